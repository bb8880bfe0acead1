from datetime import timedelta

from django.utils import timezone

from orienta.core.retention import retention_run, rules
from orienta.referrals.models import Referral
from orienta.referrals.retention import CLOSED_KIND
from orienta.referrals.services import referral_decline
from orienta.referrals.tests.factories import make_referral


def test_closed_referrals_lose_their_free_text_after_the_period(persons, svcs, users):
    closed = make_referral(persons["person_td"], svcs["td"], users["agent_td"], reason="GBV")
    referral_decline(referral=closed, reason="Full, call again")
    still_open = make_referral(persons["person_td"], svcs["td"], users["agent_td"], reason="X")
    assert CLOSED_KIND in {rule.kind for rule in rules()}
    later = timezone.now() + timedelta(days=5 * 365 + 1)
    dry = {o.rule.kind: o.count for o in retention_run(later, dry_run=True)}
    assert dry[CLOSED_KIND] == 1
    assert Referral.objects.get(pk=closed.pk).reason == "GBV"
    retention_run(later)
    closed.refresh_from_db()
    assert (closed.reason, closed.outcome_note, closed.status) == ("", "", "declined")
    assert closed.anonymised_at is not None
    assert not closed.events.exclude(note="").exists()
    assert Referral.objects.get(pk=still_open.pk).reason == "X"
    again = {o.rule.kind: o.count for o in retention_run(later, dry_run=True)}
    assert again[CLOSED_KIND] == 0


def test_a_person_s_referrals_can_all_be_anonymised_for_an_erasure(persons, svcs, users):
    from orienta.referrals.services import referrals_anonymise_for_persons

    mine = make_referral(persons["person_td"], svcs["td"], users["agent_td"], reason="GBV")
    other = make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"], reason="Birth")
    assert referrals_anonymise_for_persons([persons["person_td"].pk]) == 1
    assert Referral.objects.get(pk=mine.pk).reason == ""
    assert Referral.objects.get(pk=other.pk).reason == "Birth"
    assert referrals_anonymise_for_persons([persons["person_td"].pk]) == 0

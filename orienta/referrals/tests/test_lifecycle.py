import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from orienta.core.models import Event
from orienta.people.rights import consent_withdraw
from orienta.referrals import services
from orienta.referrals.models import Actor, Referral, ReferralEvent, Status
from orienta.referrals.services import ConsentMissing, IllegalTransition
from orienta.referrals.tests.factories import make_referral

CODE = re.compile(r"^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$")


@pytest.fixture
def referral(persons, svcs, users):
    return make_referral(persons["person_td"], svcs["td"], users["agent_td"])


def test_a_sent_referral_has_a_readable_code_and_an_answer_date(referral, svcs):
    assert CODE.match(referral.code)
    assert referral.status == Status.SENT
    assert referral.answer_due_at - referral.sent_at == timedelta(days=14)
    event = referral.events.get()
    assert (event.verb, event.to_status, event.actor) == ("send", "sent", Actor.USER)
    assert Event.objects.filter(verb="referral_send", object_id=referral.pk).exists()


def test_codes_are_unique_and_avoid_ambiguous_letters(persons, svcs, users):
    codes = {services_code() for _ in range(300)}
    assert len(codes) == 300
    assert not any(ch in "".join(codes) for ch in "01OIL")


def services_code():
    return services.new_code()


def test_the_codes_typed_over_the_phone_are_normalised():
    assert services.normalise_code(" k7m 3qx ") == "K7M-3QX"
    assert services.normalise_code("K7M3Q") == ""


def test_the_loop_closes_sent_accepted_served(referral, users):
    services.referral_accept(referral=referral, actor=Actor.PROVIDER_LINK)
    services.referral_serve(referral=referral, by=users["provider_user"], actor="provider_account")
    referral.refresh_from_db()
    assert referral.status == Status.SERVED
    assert referral.answered_at and referral.served_at and referral.closed_at
    events = list(referral.events.values_list("to_status", "actor", "user__username"))
    assert events == [
        ("sent", "user", "agent_td"),
        ("accepted", "provider_link", None),
        ("served", "provider_account", "provider_user"),
    ]


def test_serving_a_declined_referral_is_refused_with_a_message(referral, users):
    services.referral_decline(referral=referral, reason="Service full this month")
    with translation.override("en"), pytest.raises(IllegalTransition) as refused:
        services.referral_serve(referral=referral, by=users["agent_td"])
    assert refused.value.messages == ["A referral that is declined cannot be marked served."]
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.events.count() == 2


def test_declining_needs_a_reason(referral):
    with pytest.raises(ValidationError):
        services.referral_decline(referral=referral, reason="  ")
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT


def test_cancelling_is_for_the_site_staff_and_revokes_the_links(referral, users):
    link = services.link_for(referral=referral, by=users["agent_td"])
    with pytest.raises(PermissionDenied):
        services.referral_cancel(referral=referral, by=users["provider_user"])
    services.referral_cancel(referral=referral, by=users["agent_td"], note="Moved away")
    link.refresh_from_db()
    assert link.revoked_at is not None
    with pytest.raises(IllegalTransition):
        services.referral_accept(referral=referral)


def test_an_expired_referral_still_takes_the_outcome_learned_at_follow_up(referral, users):
    services.referral_expire(referral=referral)
    services.referral_serve(referral=referral, by=users["agent_td"], note="Seen on the 3rd")
    referral.refresh_from_db()
    assert referral.status == Status.SERVED
    assert referral.answered_at is not None


def test_no_referral_without_consent_to_share(persons, svcs, users):
    person = persons["person_td"]
    with pytest.raises(ConsentMissing):
        services.referral_send(
            by=users["agent_td"],
            person=person,
            service=svcs["td"],
            site=person.site,
            reason="Prenatal care",
        )
    assert not Referral.objects.exists()


def test_an_agent_cannot_override_the_consent(persons, svcs, users):
    person = persons["person_td"]
    with pytest.raises(PermissionDenied):
        services.referral_send(
            by=users["agent_td"],
            person=person,
            service=svcs["td"],
            site=person.site,
            reason="Prenatal care",
            consent_override_reason="Emergency",
        )
    assert not Referral.objects.exists()


def test_a_manager_overrides_with_a_written_reason_and_it_is_logged(persons, svcs, users):
    person = persons["person_td"]
    referral = services.referral_send(
        by=users["manager_td"],
        person=person,
        service=svcs["td"],
        site=person.site,
        reason="Prenatal care",
        consent_override_reason="Unconscious on arrival, urgent care",
    )
    assert referral.consent_override_by == users["manager_td"]
    override = ReferralEvent.objects.get(referral=referral, verb="consent_override")
    assert override.note == "Unconscious on arrival, urgent care"
    assert Event.objects.filter(verb="referral_consent_override", object_id=referral.pk).exists()


def test_withdrawn_sharing_consent_blocks_new_referrals(persons, svcs, users):
    person = persons["person_td"]
    make_referral(person, svcs["td"], users["agent_td"])
    consent_withdraw(person=person, purpose="sharing", by=users["agent_td"])
    with pytest.raises(ConsentMissing):
        services.referral_send(
            by=users["agent_td"],
            person=person,
            service=svcs["td"],
            site=person.site,
            reason="Again",
        )
    assert Referral.objects.count() == 1


def test_staff_send_only_from_their_own_sites(persons, svcs, users):
    person = persons["person_td"]
    with pytest.raises(PermissionDenied):
        make_referral(person, svcs["td"], users["agent_td2"])


def test_the_response_time_of_the_service_sets_the_answer_date(persons, svcs, users):
    referral = make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"])
    assert referral.answer_due_at - referral.sent_at == timedelta(days=10)
    assert referral.answer_due_at > timezone.now()

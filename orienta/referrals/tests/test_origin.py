"""Where a referral comes from: the case, case action and visit must be the person's, whoever
calls the service (pages, API, a command)."""

import pytest
from django.utils import timezone

from orienta.cases.tests.factories import make_action, make_case
from orienta.core.models import Theme
from orienta.frontdesk.services import visit_record
from orienta.people.services import person_register
from orienta.referrals.models import Referral
from orienta.referrals.services import OriginMismatch
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def other(world, users):
    """Another person of the same site, with a case, an action and a visit of their own."""
    agent = users["agent_td"]
    person = person_register(
        site=world["sites"]["td"],
        by=agent,
        data={"given_name": "Zara", "family_name": "Abdou", "sex": "female", "documents": []},
    )
    case = make_case(person, agent)
    visit = visit_record(
        site=world["sites"]["td"],
        by=agent,
        person=person,
        data={
            "themes": list(Theme.objects.all()[:1]),
            "channel": "walk_in",
            "outcome": "oriented",
            "notes": "",
            "occurred_at": timezone.now(),
        },
    )
    return {"case": case, "action": make_action(case, agent), "visit": visit}


@pytest.mark.parametrize("origin", ["case", "action", "visit"])
def test_a_referral_from_another_persons_record_is_refused(persons, svcs, users, other, origin):
    with pytest.raises(OriginMismatch):
        make_referral(
            persons["person_td"], svcs["td"], users["agent_td"], **{origin: other[origin]}
        )
    assert not Referral.objects.exists()


def test_a_referral_from_the_persons_own_case_action_and_visit_is_sent(svcs, users, other):
    person = other["case"].person
    referral = make_referral(
        person,
        svcs["td"],
        users["agent_td"],
        case=other["case"],
        action=other["action"],
        visit=other["visit"],
    )
    assert (referral.case, referral.action, referral.visit) == (
        other["case"],
        other["action"],
        other["visit"],
    )

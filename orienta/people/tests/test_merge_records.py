"""A merge keeps what other apps hold on the merged record: cases, referrals, fund requests."""

from orienta.cases.models import Case
from orienta.cases.tests.factories import make_case
from orienta.directory.tests.factories import make_service
from orienta.fund.models import FundRequest
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.people import services
from orienta.people.tests.test_registry import _duplicate
from orienta.referrals.models import Referral
from orienta.referrals.tests.factories import make_referral


def test_cases_referrals_and_fund_requests_follow_the_survivor(persons, world, users):
    survivor = persons["person_td"]
    duplicate = _duplicate(persons, world, users)
    agent = users["agent_td"]
    case = make_case(duplicate, agent)
    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    referral = make_referral(duplicate, service, agent, case=case)
    make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(duplicate.site, 10000)],
    )
    request = make_fund_request(duplicate, agent, referral=referral)

    services.person_merge(survivor=survivor, merged=duplicate, by=users["manager_td"])

    for model, obj in ((Case, case), (Referral, referral), (FundRequest, request)):
        moved = model.objects.get(pk=obj.pk)
        assert moved.person_id == survivor.pk, model.__name__
        assert moved.version == obj.version + 1 and moved.updated_by == users["manager_td"]
    assert not Case.objects.filter(person=duplicate).exists()

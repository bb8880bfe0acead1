"""Referrals, cases and the support fund, counted by hand.

In March 2026 in Chad (the test clock starts on 11 March):
- referrals: to Achta (TD-NDJ1) served 2 days later, to Achta served 4 days later, to Ngarta
  (TD-MOU1) never served, one cancelled → 3 sent, 2 of 3 served, a median of 3 days;
- cases: Achta's (open), Ngarta's closed with needs met, one more of Achta's closed as lost
  contact → 3 opened, 1 closed with needs met;
- the fund: two payments for Achta (700 and 300 XAF), one for Ngarta reversed → one person
  paid, 1,000 XAF.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from orienta.cases.services import case_close
from orienta.cases.tests.factories import make_case
from orienta.directory.tests.factories import make_service
from orienta.fund import services as fund
from orienta.fund.services import PaymentInput
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.lib.indicators import Period, Scope
from orienta.referrals.models import Actor
from orienta.referrals.services import referral_cancel, referral_serve
from orienta.referrals.tests.factories import make_referral
from orienta.reporting import engine

MARCH = Period.parse("2026-03")
TD = Scope(country="TD")


def figure(code, *by, scope=TD):
    table = engine.values(code, MARCH, scope, by, suppress=False)
    return table.total, {tuple(c.key[d] for d in by): c.value for c in table.cells}


@pytest.fixture
def referrals(world, users, persons, clock):
    service = make_service(world["provider_org"], name="Consultation prénatale")
    achta, ngarta = persons["person_td"], persons["person_td2"]
    first = make_referral(achta, service, users["agent_td"])
    second = make_referral(achta, service, users["agent_td"])
    make_referral(ngarta, service, users["agent_td2"])
    gone = make_referral(ngarta, service, users["agent_td2"])
    referral_cancel(referral=gone, by=users["agent_td2"])
    clock.shift(timedelta(days=2))
    referral_serve(referral=first, actor=Actor.PROVIDER_LINK)
    clock.shift(timedelta(days=2))
    referral_serve(referral=second, actor=Actor.PROVIDER_LINK)


def test_referrals_sent_served_and_days_to_service(referrals):
    assert figure("REFERRALS_SENT") == (3, {})
    assert figure("REFERRALS_SENT", "site") == (3, {("TD-MOU1",): 1, ("TD-NDJ1",): 2})
    assert figure("REFERRALS_SERVED_RATE")[0] == Decimal("0.6667")
    assert figure("REFERRALS_SERVED_RATE", "sex")[1] == {
        ("female",): Decimal("1.0000"),
        ("male",): Decimal("0.0000"),
    }
    assert figure("DAYS_TO_SERVICE")[0] == Decimal("3.0")
    assert figure("DAYS_TO_SERVICE", "site")[1] == {("TD-NDJ1",): Decimal("3.0")}


def test_cases_opened_and_closed_with_needs_met(world, users, persons):
    make_case(persons["person_td"], users["agent_td"])
    lost = make_case(persons["person_td"], users["agent_td"])
    met = make_case(persons["person_td2"], users["agent_td2"])
    case_close(case=met, by=users["agent_td2"], reason="needs_met")
    case_close(case=lost, by=users["agent_td"], reason="lost_contact")
    assert figure("CASES_OPENED", "sex") == (3, {("female",): 2, ("male",): 1})
    assert figure("CASES_CLOSED_NEEDS_MET", "site") == (1, {("TD-MOU1",): 1})
    assert figure("CASES_OPENED", scope=Scope(country="MZ")) == (0, {})


def test_fund_persons_and_amounts_paid(world, users, persons):
    sites = world["sites"]
    make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(sites["td"], 10000), (sites["td2"], 5000)],
    )
    achta, ngarta = persons["person_td"], persons["person_td2"]
    provider = world["provider_org"]
    paid = []
    for person, agent, manager, amount in (
        (achta, users["agent_td"], users["manager_td"], 700),
        (achta, users["agent_td"], users["manager_td"], 300),
        (ngarta, users["agent_td2"], users["coordinator_td"], 500),
    ):
        req = make_fund_request(person, agent, amount=amount, provider=provider)
        fund.request_approve(fund_request=req, by=manager)
        cash = PaymentInput(method="cash", receipt_number=f"R-{amount}")
        fund.payment_record(fund_request=req, by=manager, data=cash)
        paid.append(req)
    fund.payment_reverse(fund_request=paid[2], by=users["coordinator_td"], reason="Paid twice")
    assert figure("FUND_PERSONS_PAID", "sex") == (1, {("female",): 1})
    assert figure("FUND_AMOUNT_PAID")[0] == Decimal("1000")
    eur = paid[0].amount_eur + paid[1].amount_eur
    assert figure("FUND_AMOUNT_PAID_EUR", "site") == (eur, {("TD-NDJ1",): eur})

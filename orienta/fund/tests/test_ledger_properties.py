"""Property tests: whatever the sequence of movements, the ledger adds up and never overspends."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orienta.fund import services
from orienta.fund.models import EFFECTS, Account, FundRequest, Kind, LedgerEntry, Payment, Status
from orienta.fund.services import PaymentInput, Refused
from orienta.fund.tests.factories import make_fund_request
from orienta.people.services import person_register

SITES = ("td", "td2")
ACTIONS = ("approve", "reject", "cancel", "pay", "reverse")

operation = st.one_of(
    st.tuples(st.just("allocate"), st.sampled_from(SITES), st.integers(1, 6000)),
    st.tuples(st.just("request"), st.sampled_from(SITES), st.integers(1, 5000)),
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 30), st.just(0)),
)


def _do(op, ctx):
    kind, target, amount = op
    users, world = ctx["users"], ctx["world"]
    if kind == "allocate":
        services.allocation_record(
            fund=ctx["fund"],
            site=world["sites"][target],
            period=ctx["period"],
            amount=amount,
            by=users["coordinator_td"],
        )
        return
    if kind == "request":
        person, agent = ctx["persons"][target]
        ctx["requests"].append(
            make_fund_request(person, agent, amount=amount, provider=world["provider_org"])
        )
        return
    if not ctx["requests"]:
        return
    req = ctx["requests"][target % len(ctx["requests"])]
    coordinator, manager = users["coordinator_td"], users["manager_td"]
    if kind == "approve":
        services.request_approve(fund_request=req, by=coordinator)
    elif kind == "reject":
        services.request_reject(fund_request=req, by=coordinator, reason="Not eligible")
    elif kind == "cancel":
        services.request_cancel(fund_request=req, by=coordinator, reason="No longer needed")
    elif kind == "pay":
        services.payment_record(
            fund_request=req, by=coordinator, data=PaymentInput(method="cash", receipt_number="R")
        )
    elif kind == "reverse":
        services.payment_reverse(
            fund_request=req,
            by=manager if req.site.code == "TD-NDJ1" else coordinator,
            reason="Refunded",
        )


def _check_invariants():
    for account in Account.objects.all():
        entries = list(LedgerEntry.objects.filter(account=account))
        columns = [Decimal(0)] * 3
        for e in entries:
            for i, sign in enumerate(EFFECTS[e.kind]):
                columns[i] += sign * e.amount
        pos = services.account_position(account)
        assert (pos.allocated, pos.committed, pos.paid) == tuple(columns)
        assert pos.available >= 0
        requests = FundRequest.objects.filter(account=account)
        approved = sum((r.amount for r in requests if r.status == Status.APPROVED), Decimal(0))
        paid = sum((r.amount for r in requests if r.status == Status.PAID), Decimal(0))
        assert (pos.committed, pos.paid) == (approved, paid)
    for req in FundRequest.objects.all():
        kinds = list(req.entries.values_list("kind", flat=True))
        assert kinds.count(Kind.PAYMENT) <= 1
        assert Payment.objects.filter(request=req).count() <= 1
        assert (req.status in (Status.PAID, Status.REVERSED)) == (Kind.PAYMENT in kinds)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, max_size=25))
def test_the_ledger_adds_up_whatever_happens(world, users, persons, fund_td, ops):
    with transaction.atomic():
        other = person_register(
            site=world["sites"]["td2"],
            by=users["agent_td2"],
            data={
                "given_name": "Kaltouma",
                "family_name": "Adoum",
                "sex": "female",
                "migration_status": "national",
                "documents": [],
            },
        )
        ctx = {
            "world": world,
            "users": users,
            "fund": fund_td["fund"],
            "period": fund_td["period"],
            "persons": {
                "td": (persons["person_td"], users["agent_td"]),
                "td2": (other, users["agent_td2"]),
            },
            "requests": [],
        }
        for op in ops:
            try:
                with transaction.atomic():
                    _do(op, ctx)
            except (Refused, ValidationError):
                pass
            for req in ctx["requests"]:
                req.refresh_from_db()
            _check_invariants()
        transaction.set_rollback(True)

"""Support-fund objects for tests of this and other apps (through the fund's services)."""

from datetime import timedelta

from django.utils import timezone

from orienta.fund import services
from orienta.fund.models import Fund, FundRequest, Period


def make_fund(country, *, coordinator, allocations=(), rate=None, days=90) -> tuple[Fund, Period]:
    """The country's fund with a period covering today, and allocations as (site, amount)."""
    fund = services.fund_open(country=country, by=coordinator)
    today = timezone.localdate()
    period = services.period_on(fund, today) or services.period_open(
        fund=fund,
        by=coordinator,
        name=f"{today:%Y}-Q{(today.month - 1) // 3 + 1}",
        starts_on=today - timedelta(days=days // 2),
        ends_on=today + timedelta(days=days // 2),
        eur_rate=rate if rate is not None else (None if fund.currency != "MZN" else "70"),
    )
    for site, amount in allocations:
        services.allocation_record(
            fund=fund, site=site, period=period, amount=amount, by=coordinator
        )
    return fund, period


def make_fund_request(
    person,
    by,
    *,
    amount=1000,
    provider=None,
    service=None,
    cost_option=None,
    referral=None,
    case_action=None,
    criteria=("high_vulnerability",),
    reason="Cannot pay the fee",
    confirm_repeat=True,
    quantity=1,
) -> FundRequest:
    """A request for `person` at their site, made by `by` (site staff)."""
    return services.request_create(
        by=by,
        data=services.RequestInput(
            site=person.site,
            person=person,
            amount=amount,
            reason=reason,
            criteria=list(criteria),
            provider=provider,
            service=service,
            cost_option=cost_option,
            referral=referral,
            case_action=case_action,
            confirm_repeat=confirm_repeat,
            quantity=quantity,
        ),
    )

"""Reads of the support fund: access helpers, lists, positions and the reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Q, Sum

from orienta.cases.models import Case
from orienta.core.access import (
    approves_payments,
    coordinates_country,
    is_agent,
    is_provider,
    is_site_manager,
    reads_aggregates_only,
)
from orienta.core.models import Organisation, Site
from orienta.core.scoping import site_filter
from orienta.lib.errors import OutOfScope
from orienta.referrals.models import Referral

RELATED = ("site", "site__country", "person", "provider", "period", "account__fund", "created_by")


def referral_requests(referral):
    """The fund requests made for a referral: those tied to it, and those made since it was
    sent for the same person and service without naming a referral (from the person page).
    Not scoped: callers have read the referral itself in their scope."""
    from orienta.fund.models import FundRequest

    untied = Q(
        referral__isnull=True,
        person_id=referral.person_id,
        service_id=referral.service_id,
        created_at__gte=referral.sent_at,
    )
    return FundRequest.objects.filter(
        Q(referral_id=referral.pk) | untied, deleted_at__isnull=True
    ).order_by("-created_at", "-id")


# What the slip says of a referral's fee, strongest first: a payment, then an approval, then a
# request awaiting approval (a rejected, cancelled or reversed request does not cover it).
FEE_STATES = ("paid", "approved", "requested")


def referral_fund_status(referral) -> str | None:
    """ "paid", "approved" or "requested" when a request for the referral's fee is in that
    state (the strongest if there are several), else None."""
    states = set(referral_requests(referral).values_list("status", flat=True))
    return next((state for state in FEE_STATES if state in states), None)


def requests_visible(user):
    """Fund requests the user may see: the site scope, minus those tied to a sensitive case or a
    referral the user may not see."""
    from orienta.fund.models import FundRequest

    return FundRequest.objects.visible_to(user).filter(
        Q(case_action__isnull=True) | Q(case_action__case__in=Case.objects.visible_to(user)),
        Q(referral__isnull=True) | Q(referral__in=Referral.objects.visible_to(user)),
    )


def request_for(user, pk):
    """The request with this id in the user's scope, else 404."""
    found = requests_visible(user).filter(pk=pk).select_related(*RELATED).first()
    if found is None:
        raise OutOfScope("fund_request", pk)
    return found


def request_list(user, *, status: str = "", site_ids=None, person=None):
    qs = requests_visible(user).select_related(*RELATED)
    if status:
        qs = qs.filter(status=status)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("-created_at")


def approval_queue(user):
    """Requests awaiting the user's decision: the site manager's up to the threshold (never
    their own), the coordinator's all of the country."""
    from orienta.fund.models import Level, Status

    qs = request_list(user, status=Status.REQUESTED).exclude(created_by=user)
    if is_site_manager(user):
        return qs.filter(level=Level.MANAGER, site__in=user.sites.all())
    if coordinates_country(user):
        return qs
    return qs.none()


def to_pay(user):
    from orienta.fund.models import Status

    if not approves_payments(user):
        return request_list(user).none()
    return request_list(user, status=Status.APPROVED)


# Positions
# =============================================================================================


@dataclass
class SitePosition:
    site: Site
    currency: str
    rate: Decimal | None
    allocated: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.allocated - self.committed - self.paid

    def eur(self, name: str) -> Decimal | None:
        from orienta.fund.money import to_eur

        if not self.rate:
            return None
        return to_eur(getattr(self, name), self.rate)

    @property
    def allocated_eur(self) -> Decimal | None:
        return self.eur("allocated")

    @property
    def committed_eur(self) -> Decimal | None:
        return self.eur("committed")

    @property
    def paid_eur(self) -> Decimal | None:
        return self.eur("paid")

    @property
    def available_eur(self) -> Decimal | None:
        return self.eur("available")

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"site": self.site.code, "currency": self.currency}
        for name in ("allocated", "committed", "paid", "available"):
            data[name] = getattr(self, name)
            data[f"{name}_eur"] = self.eur(name)
        return data


def sites_with_fund(user):
    """The sites whose fund the user may see: staff their sites, coordinators their country,
    M&E and administrators all; providers none."""
    if is_provider(user):
        return Site.objects.none()
    return Site.objects.visible_to(user).select_related("country").order_by("code")


def site_for(user, code: str) -> Site:
    site = sites_with_fund(user).filter(code=code).first()
    if site is None:
        raise OutOfScope("site")
    return site


def current_rate(fund, on: date) -> Decimal | None:
    from orienta.fund.money import PEGGED_RATES
    from orienta.fund.services import period_on

    if fund.currency in PEGGED_RATES:
        return PEGGED_RATES[fund.currency]
    period = period_on(fund, on) or fund.periods.filter(starts_on__lte=on).first()
    return period.eur_rate if period else None


def positions(sites, *, on: date, period=None) -> list[SitePosition]:
    """The position of each site's account (all entries, or only a period's), one query."""
    from orienta.fund.models import EFFECTS, Fund, LedgerEntry

    sites = list(sites)
    entries = LedgerEntry.objects.filter(account__site__in=sites)
    if period is not None:
        entries = entries.filter(period=period)
    totals: dict[UUID, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for row in entries.order_by().values("account__site_id", "kind").annotate(t=Sum("amount")):
        columns = totals[row["account__site_id"]]
        for i, sign in enumerate(EFFECTS[row["kind"]]):
            columns[i] += sign * row["t"]
    funds = {
        f.country_id: f for f in Fund.objects.filter(country__in={s.country_id for s in sites})
    }
    out = []
    for site in sites:
        fund = funds.get(site.country_id)
        rate = period.eur_rate if period is not None else (fund and current_rate(fund, on))
        out.append(SitePosition(site, site.country.currency, rate, *totals[site.pk]))
    return out


def site_entries(site, *, limit: int = 200):
    from orienta.fund.models import LedgerEntry

    return (
        LedgerEntry.objects.filter(account__site=site)
        .select_related("by", "request", "period")
        .order_by("-at", "-id")[:limit]
    )


# Statements and reports
# =============================================================================================


def providers_for(user):
    """Organisations whose statements the user may read."""
    if is_provider(user):
        return Organisation.objects.filter(pk=user.organisation_id)
    if is_agent(user):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user)


def provider_for(user, pk) -> Organisation:
    found = providers_for(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("organisation", pk)
    return found


@dataclass
class StatementLine:
    code: str
    site: str
    service: str
    referral: str
    approved_on: date | None
    status: str
    status_label: str
    amount: Decimal
    amount_eur: Decimal
    payment: str = ""
    paid_on: date | None = None
    quantity: int = 1
    currency: str = ""


@dataclass
class Statement:
    provider: Organisation
    period: object
    currency: str
    lines: list[StatementLine] = field(default_factory=list)

    def total(self, status: str) -> Decimal:
        return sum((li.amount for li in self.lines if li.status == status), Decimal(0))

    @property
    def owed(self) -> Decimal:
        return self.total("approved")

    @property
    def paid(self) -> Decimal:
        return self.total("paid")

    @property
    def reversed(self) -> Decimal:
        return self.total("reversed")

    def eur(self, amount: Decimal) -> Decimal:
        from orienta.fund.money import to_eur

        return to_eur(amount, self.period.eur_rate)


def statement_sites(user, provider):
    """The sites whose requests the user may include in a provider's statement."""
    if is_provider(user):
        return Site.objects.filter(country_id=provider.country_id)
    return Site.objects.filter(site_filter(user))


def statement(user, provider, period) -> Statement:
    """What the fund owes (approved, not yet paid) and paid a provider for a period, without
    the names of the persons: requests and referrals are named by their codes."""
    from orienta.fund.models import FundRequest, Status

    rows = (
        FundRequest.objects.filter(
            provider=provider,
            period=period,
            site__in=statement_sites(user, provider),
            status__in=(Status.APPROVED, Status.PAID, Status.REVERSED),
            deleted_at__isnull=True,
        )
        .select_related("site", "referral", "payment")
        .order_by("decided_at", "code")
    )
    result = Statement(provider, period, period.fund.currency)
    for r in rows:
        payment = getattr(r, "payment", None)
        result.lines.append(
            StatementLine(
                code=r.code,
                site=r.site.code,
                service=r.service_name,
                referral=r.referral.code if r.referral_id else "",
                approved_on=r.decided_at.date() if r.decided_at else None,
                status=r.status,
                status_label=str(r.get_status_display()),
                amount=r.amount,
                amount_eur=r.amount_eur,
                payment=_payment_label(payment),
                paid_on=payment.paid_on if payment else None,
                quantity=r.quantity,
                currency=r.currency,
            )
        )
    return result


def _payment_label(payment) -> str:
    if payment is None:
        return ""
    if payment.method == "mobile":
        return f"{payment.operator} {payment.reference}"
    return str(payment.receipt_number)


def periods_for(user):
    from orienta.fund.models import Period

    qs = Period.objects.filter(deleted_at__isnull=True).select_related("fund")
    if is_provider(user):
        org = Organisation.objects.filter(pk=user.organisation_id).first()
        return qs.filter(fund__country_id=getattr(org, "country_id", None))
    if coordinates_country(user):
        return qs.filter(fund__country_id=user.country_id)
    if reads_aggregates_only(user):
        return qs
    return qs.filter(fund__country__sites__in=user.sites.all()).distinct()


def period_for(user, pk):
    found = periods_for(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("period", pk)
    return found


def spending_requests(user, fund, period=None):
    """The requests a spending report adds up: every site in the user's site scope (HQ roles
    included: they see sums, never persons)."""
    from orienta.fund.models import FundRequest

    qs = FundRequest.objects.filter(
        site_filter(user, "site__"), account__fund=fund, deleted_at__isnull=True
    )
    if is_provider(user):
        return qs.none()
    if period is not None:
        qs = qs.filter(period=period)
    return qs

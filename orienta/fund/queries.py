"""Reads of the support fund: access helpers, lists, positions and the reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet, Sum

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
from orienta.core.scoping import assigned_site_ids, site_filter
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person
from orienta.referrals.models import Referral

if TYPE_CHECKING:
    from orienta.fund.models import Fund, FundRequest, LedgerEntry, Payment, Period

RELATED = ("site", "site__country", "person", "provider", "period", "account__fund", "created_by")
# What a list of requests shows (`{% request_rows %}`), read as plain values: the queue lists two
# hundred requests, and a request, a person and an organisation made for each line cost more
# than the query.
LINE_COLUMNS = (
    "pk",
    "code",
    "status",
    "amount",
    "quantity",
    "currency",
    "service_name",
    "created_at",
    "person__code",
    "person__given_name",
    "person__family_name",
    "person__erased_at",
    "provider__name",
)


class RequestLine(NamedTuple):
    """A line of a list of requests (`LINE_COLUMNS`, in that order)."""

    pk: UUID
    code: str
    status: str
    amount: Decimal
    quantity: int
    currency: str
    service_name: str
    created_at: datetime | None
    person_code: str
    given_name: str
    family_name: str
    erased_at: datetime | None
    provider_name: str | None

    @property
    def person_name(self) -> str:
        return Person.name_of(self.given_name, self.family_name, self.erased_at)


def rows(requests: QuerySet[FundRequest]) -> QuerySet[Any]:
    """The requests as the lines of a list (`RequestLine`'s values), in their order."""
    return requests.select_related(None).values_list(*LINE_COLUMNS)


def referral_requests(referral: Referral) -> QuerySet[FundRequest]:
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


def referral_fund_status(referral: Referral) -> str | None:
    """ "paid", "approved" or "requested" when a request for the referral's fee is in that
    state (the strongest if there are several), else None."""
    states = set(referral_requests(referral).values_list("status", flat=True))
    return next((state for state in FEE_STATES if state in states), None)


def requests_visible(user: AnyUser) -> QuerySet[FundRequest]:
    """Fund requests the user may see: the site scope, minus those tied to a sensitive case or a
    referral the user may not see."""
    from orienta.fund.models import FundRequest

    return FundRequest.objects.visible_to(user).filter(
        Q(case_action__isnull=True) | Q(case_action__case__in=Case.objects.visible_to(user)),
        Q(referral__isnull=True) | Q(referral__in=Referral.objects.visible_to(user)),
    )


def request_for(user: AnyUser, pk: UUID | str) -> FundRequest:
    """The request with this id in the user's scope, else 404."""
    found = requests_visible(user).filter(pk=pk).select_related(*RELATED).first()
    if found is None:
        raise OutOfScope("fund_request", pk)
    return found


def request_list(
    user: AnyUser,
    *,
    status: str = "",
    site_ids: Iterable[UUID] | None = None,
    person: Person | None = None,
) -> QuerySet[FundRequest]:
    qs = requests_visible(user).select_related(*RELATED)
    if status:
        qs = qs.filter(status=status)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("-created_at")


def _awaiting_decision(user: AnyUser) -> Q | None:
    """Which visible requests await the user's decision: the site manager's up to the
    threshold (never their own), the coordinator's all of the country; None for others."""
    from orienta.fund.models import Level, Status

    if is_site_manager(user):
        sites = assigned_site_ids(user)
        return Q(status=Status.REQUESTED, level=Level.MANAGER, site_id__in=sites) & ~Q(
            created_by=user
        )
    if coordinates_country(user):
        return Q(status=Status.REQUESTED) & ~Q(created_by=user)
    return None


def _to_pay(user: AnyUser) -> Q | None:
    """Which visible requests the user pays: the approved ones, for those who approve."""
    from orienta.fund.models import Status

    return Q(status=Status.APPROVED) if approves_payments(user) else None


def approval_queue(
    user: AnyUser, requests: QuerySet[FundRequest] | None = None
) -> QuerySet[FundRequest]:
    """Requests awaiting the user's decision (see `_awaiting_decision`), among `requests` when
    given (`request_list(user)` already built: the queue page shows both lists)."""
    requests = request_list(user) if requests is None else requests
    rule = _awaiting_decision(user)
    return requests.filter(rule) if rule is not None else requests.none()


def to_pay(user: AnyUser, requests: QuerySet[FundRequest] | None = None) -> QuerySet[FundRequest]:
    """Approved requests the user pays, among `requests` when given (see `approval_queue`)."""
    requests = request_list(user) if requests is None else requests
    rule = _to_pay(user)
    return requests.filter(rule) if rule is not None else requests.none()


def queue_counts(user: AnyUser, sites: Iterable[Site]) -> tuple[int, int]:
    """How many requests of these sites await the user's decision, and how many are to pay:
    the counts of `approval_queue` and `to_pay`, in one query."""
    counts = {
        name: Count("pk", filter=rule)
        for name, rule in (("waiting", _awaiting_decision(user)), ("to_pay", _to_pay(user)))
        if rule is not None
    }
    if not counts:
        return 0, 0
    found = requests_visible(user).filter(site__in=list(sites)).aggregate(**counts)
    return found.get("waiting", 0), found.get("to_pay", 0)


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


def sites_with_fund(user: AnyUser) -> QuerySet[Site]:
    """The sites whose fund the user may see: staff their sites, coordinators their country,
    M&E and administrators all; providers none."""
    if is_provider(user):
        return Site.objects.none()
    return Site.objects.visible_to(user).select_related("country").order_by("code")


def site_for(user: AnyUser, code: str) -> Site:
    site = sites_with_fund(user).filter(code=code).first()
    if site is None:
        raise OutOfScope("site")
    return site


def current_rate(fund: Fund, on: date) -> Decimal | None:
    from orienta.fund.money import PEGGED_RATES
    from orienta.fund.services import period_on

    if fund.currency in PEGGED_RATES:
        return PEGGED_RATES[fund.currency]
    period = period_on(fund, on) or fund.periods.filter(starts_on__lte=on).first()
    return period.eur_rate if period else None


def positions(
    sites: Iterable[Site], *, on: date, period: Period | None = None
) -> list[SitePosition]:
    """The position of each site's account (all entries, or only a period's), one query."""
    from orienta.fund.models import EFFECTS, Fund, Kind, LedgerEntry

    site_list = list(sites)
    entries = LedgerEntry.objects.filter(account__site__in=site_list)
    if period is not None:
        entries = entries.filter(period=period)
    totals: dict[UUID, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for row in entries.order_by().values("account__site_id", "kind").annotate(t=Sum("amount")):
        columns = totals[row["account__site_id"]]
        for i, sign in enumerate(EFFECTS[Kind(row["kind"])]):
            columns[i] += sign * row["t"]
    funds = {
        f.country_id: f for f in Fund.objects.filter(country__in={s.country_id for s in site_list})
    }
    out = []
    for site in site_list:
        fund = funds.get(site.country_id)
        rate: Decimal | None
        if period is not None:
            rate = period.eur_rate
        else:
            rate = current_rate(fund, on) if fund is not None else None
        out.append(SitePosition(site, site.country.currency, rate, *totals[site.pk]))
    return out


def site_entries(site: Site, *, limit: int = 200) -> QuerySet[LedgerEntry]:
    from orienta.fund.models import LedgerEntry

    return (
        LedgerEntry.objects.filter(account__site=site)
        .select_related("by", "request", "period")
        .order_by("-at", "-id")[:limit]
    )


# Statements and reports
# =============================================================================================


def providers_for(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations whose statements the user may read."""
    if is_provider(user):
        if user.organisation_id is None:
            return Organisation.objects.none()
        return Organisation.objects.filter(pk=user.organisation_id)
    if is_agent(user):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user)


def provider_for(user: AnyUser, pk: UUID | str) -> Organisation:
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
    period: Period
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


def statement_sites(user: AnyUser, provider: Organisation) -> QuerySet[Site]:
    """The sites whose requests the user may include in a provider's statement."""
    if is_provider(user):
        return Site.objects.filter(country_id=provider.country_id)
    return Site.objects.filter(site_filter(user))


def statement(user: AnyUser, provider: Organisation, period: Period) -> Statement:
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
                referral=r.referral.code if r.referral is not None else "",
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


def _payment_label(payment: Payment | None) -> str:
    if payment is None:
        return ""
    if payment.method == "mobile":
        return f"{payment.operator} {payment.reference}"
    return str(payment.receipt_number)


def periods_for(user: AnyUser) -> QuerySet[Period]:
    from orienta.fund.models import Period

    qs = Period.objects.filter(deleted_at__isnull=True).select_related("fund")
    if is_provider(user):
        org_id = user.organisation_id
        org = Organisation.objects.filter(pk=org_id).first() if org_id is not None else None
        return qs.filter(fund__country_id=org.country_id) if org is not None else qs.none()
    if coordinates_country(user):
        if user.country_id is None:
            return qs.none()
        return qs.filter(fund__country_id=user.country_id)
    if reads_aggregates_only(user):
        return qs
    if isinstance(user, AnonymousUser):
        return qs.none()
    return qs.filter(fund__country__sites__in=user.sites.all()).distinct()


def period_for(user: AnyUser, pk: UUID | str) -> Period:
    found = periods_for(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("period", pk)
    return found


def spending_requests(
    user: AnyUser, fund: Fund, period: Period | None = None
) -> QuerySet[FundRequest]:
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

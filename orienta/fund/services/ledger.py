"""The fund's money: the country's rules, funds, periods, site accounts and their ledger
entries, allocations. Every movement of money is a ledger entry written here.

Approval and payment lock the site's account row (SELECT ... FOR UPDATE; on SQLite the whole
database is locked by the IMMEDIATE transaction) and check the position inside the same
transaction that writes the entry, so concurrent approvals cannot spend the same francs.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.core.models import Country, Site, User
from orienta.core.services import event_log
from orienta.fund import money
from orienta.fund.models import (
    DEFAULT_CRITERIA,
    DEFAULT_OPERATORS,
    EFFECTS,
    Account,
    Fund,
    FundRequest,
    FundSettings,
    Kind,
    LedgerEntry,
    Period,
)
from orienta.fund.services.permissions import _require_coordinator
from orienta.lib.errors import Refused as DomainRefused
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls


class Refused(DomainRefused):
    """The action cannot be done in the record's present state; the message says why."""


@dataclass(frozen=True)
class Position:
    allocated: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def available(self) -> Decimal:
        return self.allocated - self.committed - self.paid


# Settings, funds, periods, accounts
# =============================================================================================


def fund_settings_for(country: Country) -> FundSettings:
    """The country's fund rules; the defaults of the programme until an administrator edits
    them."""
    found, _created = FundSettings.objects.get_or_create(
        country=country,
        defaults={
            "criteria": [str(c) for c in DEFAULT_CRITERIA],
            "mobile_operators": DEFAULT_OPERATORS.get(country.code, []),
        },
    )
    return found


def fund_open(*, country: Country, by: User | None, name: str = "") -> Fund:
    """The country's fund, in the country's currency (made once)."""
    money.minor_units(country.currency)
    with translation.override(country.language):
        default_name = _("Support fund")
    with transaction.atomic():
        fund, created = Fund.objects.get_or_create(
            country=country,
            defaults={
                "name": name or default_name,
                "currency": country.currency,
                "created_by": by,
                "updated_by": by,
            },
        )
        if created:
            event_log(actor=by, verb="fund_open", obj=fund)
    return fund


def period_open(
    *,
    fund: Fund,
    by: User | None,
    name: str,
    starts_on: date,
    ends_on: date,
    eur_rate: Decimal | None = None,
) -> Period:
    """A new period of the fund. CFA francs take the pegged rate; MZN needs the period's rate."""
    _require_coordinator(by, fund.country_id)
    rate = _period_rate(fund.currency, eur_rate)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period must end after it starts.")})
    if has_bidi_controls(name):
        raise ValidationError({"name": [BIDI_MESSAGE]})
    overlapping = Period.objects.filter(
        fund=fund, starts_on__lte=ends_on, ends_on__gte=starts_on, deleted_at__isnull=True
    )
    if overlapping.exists():
        raise ValidationError({"starts_on": _("This period overlaps another period of the fund.")})
    with transaction.atomic():
        period = Period.objects.create(
            fund=fund,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            eur_rate=rate,
            created_by=by,
            updated_by=by,
        )
        event_log(actor=by, verb="fund_period_open", obj=period, data={"rate": str(rate)})
    return period


def _period_rate(currency: str, eur_rate: object) -> Decimal:
    pegged = money.PEGGED_RATES.get(currency)
    if pegged is not None:
        if eur_rate not in (None, "") and Decimal(str(eur_rate)) != pegged:
            raise ValidationError(
                {
                    "eur_rate": _("%(currency)s is pegged at %(rate)s per euro.")
                    % {"currency": currency, "rate": pegged}
                }
            )
        return pegged
    if eur_rate in (None, "") or isinstance(eur_rate, float) or Decimal(str(eur_rate)) <= 0:
        raise ValidationError({"eur_rate": _("Enter the rate of the period: units per euro.")})
    return Decimal(str(eur_rate))


def period_on(fund: Fund, day: date) -> Period | None:
    return Period.objects.filter(
        fund=fund, starts_on__lte=day, ends_on__gte=day, deleted_at__isnull=True
    ).first()


def account_for(fund: Fund, site: Site) -> Account:
    if site.country_id != fund.country_id:
        raise ValidationError({"site": _("This site is not in the fund's country.")})
    account, _created = Account.objects.get_or_create(fund=fund, site=site)
    return account


def _lock(account: Account) -> Account:
    return Account.objects.select_for_update().get(pk=account.pk)


def position_of(entries: QuerySet[LedgerEntry]) -> Position:
    """The position that a queryset of ledger entries adds up to."""
    totals: dict[str, Decimal] = {kind: Decimal(0) for kind in EFFECTS}
    for row in entries.order_by().values("kind").annotate(total=Sum("amount")):
        totals[row["kind"]] = row["total"]
    columns = [Decimal(0), Decimal(0), Decimal(0)]
    for kind, effect in EFFECTS.items():
        for i, sign in enumerate(effect):
            columns[i] += sign * totals[kind]
    return Position(*columns)


def account_position(account: Account) -> Position:
    return position_of(LedgerEntry.objects.filter(account=account))


def _entry(
    *,
    account: Account,
    period: Period,
    kind: Kind,
    amount: Decimal,
    by: User,
    request: FundRequest | None = None,
    note: str = "",
) -> LedgerEntry:
    """One movement in the ledger. Only an allocation carries a note (the coordinator's, about
    the site's budget): the ledger keeps no free text about a person, and a movement of a
    request refers to the request, whose reasons stay on it and on its payment."""
    entry = LedgerEntry(
        account=account,
        period=period,
        kind=kind,
        amount=amount,
        currency=account.fund.currency,
        amount_eur=money.to_eur(amount, period.eur_rate),
        request=request,
        note=note[:300],
        at=timezone.now(),
        by=by,
    )
    entry.save()
    return entry


def allocation_record(
    *, fund: Fund, site: Site, period: Period, amount: object, by: User, note: str = ""
) -> LedgerEntry:
    """Allocate part of the fund to a site for a period (the country's coordinator)."""
    _require_coordinator(by, fund.country_id)
    amount = _amount(amount, fund.currency)
    if period.fund_id != fund.pk:
        raise ValidationError({"period": _("This period is not a period of the fund.")})
    with transaction.atomic():
        account = _lock(account_for(fund, site))
        entry = _entry(
            account=account, period=period, kind=Kind.ALLOCATION, amount=amount, by=by, note=note
        )
        event_log(
            actor=by, verb="fund_allocate", obj=entry, site=site, data={"amount": str(amount)}
        )
    return entry


def _amount(value: object, currency: str, field: str = "amount") -> Decimal:
    try:
        return money.amount_parse(value, currency)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None

"""Writes of the support fund. Every movement of money is a ledger entry written here.

Approval and payment lock the site's account row (SELECT ... FOR UPDATE; on SQLite the whole
database is locked by the IMMEDIATE transaction) and check the position inside the same
transaction that writes the entry, so concurrent approvals cannot spend the same francs.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.cases.services import can_change
from orienta.core.models import Country, Organisation, Role, Site, User
from orienta.core.services import event_log
from orienta.fund import money
from orienta.fund.models import (
    DEFAULT_CRITERIA,
    DEFAULT_OPERATORS,
    EFFECTS,
    MAX_QUANTITY,
    SPENDING_STATUSES,
    Account,
    Fund,
    FundRequest,
    FundSettings,
    Kind,
    LedgerEntry,
    Level,
    Method,
    Payment,
    Period,
    Status,
)
from orienta.lib.errors import Refused as DomainRefused
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls
from orienta.people.queries import current_membership


class Refused(DomainRefused):
    """The action cannot be done in the record's present state; the message says why."""


class RepeatFound(Exception):
    """A look-alike request (same person, same service) is recent: confirm to go on."""

    def __init__(self, similar: FundRequest):
        super().__init__(similar.code)
        self.similar = similar


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


def _period_rate(currency: str, eur_rate) -> Decimal:
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


def position_of(entries) -> Position:
    """The position that a queryset of ledger entries adds up to."""
    totals = {kind: Decimal(0) for kind in EFFECTS}
    for row in entries.order_by().values("kind").annotate(total=Sum("amount")):
        totals[row["kind"]] = row["total"]
    columns = [Decimal(0), Decimal(0), Decimal(0)]
    for kind, effect in EFFECTS.items():
        for i, sign in enumerate(effect):
            columns[i] += sign * totals[kind]
    return Position(*columns)


def account_position(account: Account) -> Position:
    return position_of(LedgerEntry.objects.filter(account=account))


def _entry(*, account, period, kind, amount, by, request=None, note="") -> LedgerEntry:
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
    *, fund: Fund, site: Site, period: Period, amount, by: User, note: str = ""
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


def _amount(value, currency: str, field: str = "amount") -> Decimal:
    try:
        return money.amount_parse(value, currency)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


# Who may do what
# =============================================================================================


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _require_coordinator(user, country_id) -> None:
    """Periods and allocations: the country's coordinator; an administrator for a country that
    has none yet."""
    if not _active(user):
        raise PermissionDenied
    if user.role == Role.ADMIN or coordinates(user, country_id):
        return
    raise PermissionDenied


def manages_site(user, site_id) -> bool:
    return _active(user) and user.role == Role.MANAGER and user.sites.filter(pk=site_id).exists()


def coordinates(user, country_id) -> bool:
    return _active(user) and user.role == Role.COORDINATOR and user.country_id == country_id


def may_decide(user, fund_request: FundRequest) -> bool:
    """Approve or reject: the site manager up to the country's threshold, the coordinator
    always; never the person who made the request."""
    if not _active(user) or fund_request.created_by_id == user.pk:
        return False
    if coordinates(user, fund_request.site.country_id):
        return True
    return fund_request.level == Level.MANAGER and manages_site(user, fund_request.site_id)


def may_pay(user, fund_request: FundRequest) -> bool:
    return manages_site(user, fund_request.site_id) or coordinates(
        user, fund_request.site.country_id
    )


def may_cancel(user, fund_request: FundRequest) -> bool:
    return (_active(user) and fund_request.created_by_id == user.pk) or may_pay(user, fund_request)


# Requests
# =============================================================================================


@dataclass
class RequestInput:
    """What a request is made of, as the form or the API gives it (already in scope)."""

    site: Site
    person: object
    amount: object
    reason: str
    criteria: list
    evidence: str = ""
    provider: Organisation | None = None
    service: object = None
    cost_option: object = None
    referral: object = None
    case_action: object = None
    currency: str | None = None
    confirm_repeat: bool = False
    # Units of the fee paid (3 copies of a certificate); `amount` is the total for all of them.
    quantity: object = 1


def request_create(*, data: RequestInput, by: User) -> FundRequest:
    """Record a request to pay a fee from the site's fund (site staff).

    Refuses (ValidationError by field) a wrong currency or amount, a quantity that is not a
    whole number from 1 to MAX_QUANTITY, an amount above the cost option's price times the
    quantity, criteria the country does not use, and a request over the person's or household's
    limit for the period; raises RepeatFound when a look-alike is recent, unless confirmed.
    """
    if not (_active(by) and by.role in (Role.AGENT, Role.MANAGER)):
        raise PermissionDenied
    if not by.sites.filter(pk=data.site.pk).exists():
        raise PermissionDenied
    for case in (getattr(data.case_action, "case", None), getattr(data.referral, "case", None)):
        if case is not None and not can_change(by, case):
            raise PermissionDenied  # e.g. a sensitive case opened by breaking the glass
    fund = Fund.objects.filter(country_id=data.site.country_id).first()
    if fund is None:
        raise ValidationError(_("This country has no support fund yet."))
    rules = fund_settings_for(data.site.country)
    fields = _request_fields(data, fund, rules)
    with transaction.atomic():
        account = _lock(account_for(fund, data.site))
        _check_limits(fields, rules, fund.currency)
        repeat = _repeat_of(fields, rules)
        if repeat is not None and not data.confirm_repeat:
            raise RepeatFound(repeat)
        account.request_seq += 1
        account.save(update_fields=["request_seq"])
        fund_request = FundRequest.objects.create(
            account=account,
            code=f"{data.site.code}-F{account.request_seq:04d}",
            repeat_of=repeat,
            created_by=by,
            updated_by=by,
            **fields,
        )
        event_log(
            actor=by,
            verb="fund_request",
            obj=fund_request,
            site=data.site,
            data={
                "amount": str(fund_request.amount),
                "currency": fund_request.currency,
                "quantity": fund_request.quantity,
            },
        )
    return fund_request


def _request_fields(data: RequestInput, fund: Fund, rules: FundSettings) -> dict[str, Any]:
    errors: dict[str, list] = {}
    if data.currency and data.currency != fund.currency:
        errors["currency"] = [
            _("The fund of this country pays in %(currency)s.") % {"currency": fund.currency}
        ]
    amount = None
    try:
        amount = money.amount_parse(data.amount, fund.currency)
    except ValidationError as exc:
        errors["amount"] = exc.messages
    quantity = _quantity(data.quantity)
    if quantity is None:
        errors["quantity"] = [
            _("Enter a whole number of units from 1 to %(max)s.") % {"max": MAX_QUANTITY}
        ]
    provider = _provider(data)
    if provider is None:
        errors["provider"] = [_("Choose the provider to pay.")]
    elif provider.country_id != fund.country_id:
        errors["provider"] = [_("The provider must work in the fund's country.")]
    cost_error = _cost_option_error(data, fund, amount, quantity or 1)
    if cost_error:
        errors["cost_option"] = [cost_error]
    errors |= _other_errors(data, rules)
    period = period_on(fund, timezone.localdate())
    if period is None:
        errors["period"] = [
            _("No period of the fund covers today: the country coordinator must open one.")
        ]
    if errors:
        raise ValidationError(errors)
    return _assembled(data, fund, rules, amount, provider, period) | {"quantity": quantity}


def _quantity(value) -> int | None:
    """The quantity as an int from 1 to MAX_QUANTITY, or None (text of digits is read, a
    float, a bool or anything else is not)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_QUANTITY else None


def _other_errors(data: RequestInput, rules: FundSettings) -> dict[str, Any]:
    errors = {}
    unknown = [c for c in data.criteria if c not in rules.criteria]
    if unknown:
        errors["criteria"] = [
            _("These criteria are not used in this country: %(codes)s.")
            % {"codes": ", ".join(map(str, unknown))}
        ]
    elif not data.criteria:
        errors["criteria"] = [_("Tick at least one eligibility criterion the person meets.")]
    if not (data.reason or "").strip():
        errors["reason"] = [_("Say why the person cannot pay.")]
    if data.person.site_id != data.site.pk:
        errors["person"] = [_("The person is registered at another site.")]
    return errors


def _assembled(data, fund, rules, amount, provider, period) -> dict[str, Any]:
    membership = current_membership(data.person)
    service = (
        data.service
        or getattr(data.cost_option, "service", None)
        or getattr(data.referral, "service", None)
    )
    return {
        "site": data.site,
        "period": period,
        "person": data.person,
        "household": membership.household if membership else None,
        "provider": provider,
        "service": service,
        "service_name": getattr(service, "name", "")[:200],
        "cost_option": data.cost_option,
        "referral": data.referral,
        "case_action": data.case_action,
        "amount": amount,
        "currency": fund.currency,
        "amount_eur": money.to_eur(amount, period.eur_rate),
        "reason": data.reason.strip(),
        "criteria": list(data.criteria),
        "evidence": (data.evidence or "").strip(),
        "level": Level.MANAGER if amount <= rules.manager_limit else Level.COORDINATOR,
    }


def _provider(data: RequestInput):
    if data.provider is not None:
        return data.provider
    for source in (data.cost_option, data.service, data.referral):
        service = getattr(source, "service", None) if source is not data.service else source
        organisation = getattr(service, "organisation", None)
        if organisation is not None:
            return organisation
    return None


def _cost_option_error(data: RequestInput, fund: Fund, amount, quantity: int) -> str | None:
    option = data.cost_option
    if option is None:
        return None
    if option.currency != fund.currency:
        return _("This cost option is priced in %(currency)s, not in the fund's currency.") % {
            "currency": option.currency
        }
    if amount is None or amount <= option.amount * quantity:
        return None
    price = money.money_format(option.amount, option.currency)
    if quantity == 1:
        return _("The amount is above the price of the service (%(price)s).") % {"price": price}
    return _(
        "The amount is above the price of the service for %(quantity)s units "
        "(%(quantity)s × %(price)s = %(total)s)."
    ) % {
        "quantity": quantity,
        "price": price,
        "total": money.money_format(option.amount * quantity, option.currency),
    }


def _spent(qs) -> Decimal:
    return qs.filter(status__in=SPENDING_STATUSES).aggregate(t=Sum("amount"))["t"] or Decimal(0)


def _check_limits(fields: dict[str, Any], rules: FundSettings, currency: str) -> None:
    period, amount = fields["period"], fields["amount"]
    in_period = FundRequest.objects.filter(period=period, deleted_at__isnull=True)
    if rules.person_limit is not None:
        total = _spent(in_period.filter(person=fields["person"])) + amount
        if total > rules.person_limit:
            raise ValidationError(
                {
                    "amount": _(
                        "Over the limit per person: with this request %(name)s would receive "
                        "%(total)s in %(period)s, and the limit is %(limit)s."
                    )
                    % {
                        "name": fields["person"],
                        "total": money.money_format(total, currency),
                        "period": period,
                        "limit": money.money_format(rules.person_limit, currency),
                    }
                }
            )
    household = fields["household"]
    if rules.household_limit is not None and household is not None:
        total = _spent(in_period.filter(household=household)) + amount
        if total > rules.household_limit:
            raise ValidationError(
                {
                    "amount": _(
                        "Over the limit per household: with this request household %(code)s "
                        "would receive %(total)s in %(period)s, and the limit is %(limit)s."
                    )
                    % {
                        "code": household.code,
                        "total": money.money_format(total, currency),
                        "period": period,
                        "limit": money.money_format(rules.household_limit, currency),
                    }
                }
            )


def _repeat_of(fields: dict[str, Any], rules: FundSettings) -> FundRequest | None:
    since = timezone.now() - timedelta(days=rules.repeat_days)
    qs = FundRequest.objects.filter(
        person=fields["person"],
        created_at__gte=since,
        status__in=SPENDING_STATUSES,
        deleted_at__isnull=True,
    )
    if fields["service"] is not None:
        qs = qs.filter(service=fields["service"])
    else:
        qs = qs.filter(provider=fields["provider"], service_name=fields["service_name"])
    return qs.order_by("-created_at").first()


def _locked_request(fund_request: FundRequest) -> tuple[Account, FundRequest]:
    """The account locked first (always in this order), then the request read again."""
    account = _lock(fund_request.account)
    fresh = (
        FundRequest.objects.select_for_update(of=("self",))
        .select_related("site", "period", "account__fund")
        .get(pk=fund_request.pk)
    )
    return account, fresh


def _require_status(fund_request: FundRequest, *allowed: str) -> None:
    if fund_request.status not in allowed:
        raise Refused(
            _("Request %(code)s is %(status)s: this action is no longer possible.")
            % {"code": fund_request.code, "status": fund_request.get_status_display().lower()}
        )


def _decided(fund_request: FundRequest, by: User, status: str, reason: str = "") -> None:
    fund_request.status = status
    fund_request.decided_by = by
    fund_request.decided_at = timezone.now()
    fund_request.decision_reason = reason
    _touch(fund_request, by)
    fund_request.save()


def _touch(fund_request: FundRequest, by: User) -> None:
    fund_request.touch(by=by)


def request_approve(*, fund_request: FundRequest, by: User) -> FundRequest:
    """Approve and commit the amount, if the site's fund can cover it; else Refused."""
    with transaction.atomic():
        account, fresh = _locked_request(fund_request)
        if not may_decide(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.REQUESTED)
        available = account_position(account).available
        if fresh.amount > available:
            raise Refused(
                _(
                    "The fund of %(site)s cannot cover %(amount)s: only %(available)s is "
                    "available. The request stays awaiting approval."
                )
                % {
                    "site": fresh.site.code,
                    "amount": money.money_format(fresh.amount, fresh.currency),
                    "available": money.money_format(available, fresh.currency),
                }
            )
        _decided(fresh, by, Status.APPROVED)
        _entry(
            account=account,
            period=fresh.period,
            kind=Kind.COMMITMENT,
            amount=fresh.amount,
            by=by,
            request=fresh,
        )
        event_log(actor=by, verb="fund_approve", obj=fresh, site=fresh.site)
    return fresh


def request_reject(*, fund_request: FundRequest, by: User, reason: str) -> FundRequest:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    with transaction.atomic():
        _account, fresh = _locked_request(fund_request)
        if not may_decide(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.REQUESTED)
        _decided(fresh, by, Status.REJECTED, reason.strip())
        event_log(actor=by, verb="fund_reject", obj=fresh, site=fresh.site)
    return fresh


def request_cancel(*, fund_request: FundRequest, by: User, reason: str = "") -> FundRequest:
    """Cancel before payment; an approved request releases its commitment."""
    with transaction.atomic():
        account, fresh = _locked_request(fund_request)
        if not may_cancel(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.REQUESTED, Status.APPROVED)
        if fresh.status == Status.APPROVED:
            _entry(
                account=account,
                period=fresh.period,
                kind=Kind.RELEASE,
                amount=fresh.amount,
                by=by,
                request=fresh,
            )
        fresh.status = Status.CANCELLED
        fresh.decision_reason = (reason or "").strip()
        _touch(fresh, by)
        fresh.save()
        event_log(actor=by, verb="fund_cancel", obj=fresh, site=fresh.site)
    return fresh


@dataclass
class PaymentInput:
    method: str
    paid_on: date | None = None
    receipt_number: str = ""
    operator: str = ""
    reference: str = ""
    receipt: object = None  # an UploadedFile, already checked by receipts.receipt_check


def _payment_errors(data: PaymentInput, rules: FundSettings) -> dict[str, Any]:
    errors = {}
    if data.method == Method.CASH:
        if not data.receipt_number.strip():
            errors["receipt_number"] = [_("Give the number of the provider's receipt.")]
    elif data.method == Method.MOBILE:
        if data.operator not in rules.mobile_operators:
            errors["operator"] = [
                _("Choose one of the operators of this country: %(names)s.")
                % {"names": ", ".join(rules.mobile_operators)}
            ]
        if not data.reference.strip():
            errors["reference"] = [_("Give the transaction reference of the transfer.")]
    else:
        errors["method"] = [_("Choose cash or mobile money.")]
    if data.paid_on and data.paid_on > timezone.localdate():
        errors["paid_on"] = [_("A payment cannot be dated in the future.")]
    for name in ("receipt_number", "operator", "reference"):
        if has_bidi_controls(getattr(data, name)):
            errors[name] = [BIDI_MESSAGE]
    return errors


def payment_record(*, fund_request: FundRequest, by: User, data: PaymentInput) -> Payment:
    """Record the payment of an approved request to its provider (once)."""
    rules = fund_settings_for(fund_request.site.country)
    errors = _payment_errors(data, rules)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        account, fresh = _locked_request(fund_request)
        if not may_pay(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.APPROVED)
        mobile = data.method == Method.MOBILE
        reference = data.reference.strip() if mobile else ""
        if (
            mobile
            and Payment.objects.filter(
                method=Method.MOBILE, operator=data.operator, reference=reference
            ).exists()
        ):
            raise ValidationError(
                {"reference": _("This transaction reference is already recorded for a payment.")}
            )
        payment = Payment(
            site=fresh.site,
            request=fresh,
            method=data.method,
            receipt_number=data.receipt_number.strip() if not mobile else "",
            operator=data.operator if mobile else "",
            reference=reference,
            paid_on=data.paid_on or timezone.localdate(),
            created_by=by,
            updated_by=by,
        )
        if data.receipt is not None:
            payment.receipt_type = data.receipt.content_type
            payment.receipt.save(data.receipt.name, data.receipt, save=False)
        payment.save()
        _entry(
            account=account,
            period=fresh.period,
            kind=Kind.PAYMENT,
            amount=fresh.amount,
            by=by,
            request=fresh,
        )
        fresh.status = Status.PAID
        _touch(fresh, by)
        fresh.save()
        event_log(actor=by, verb="fund_pay", obj=fresh, site=fresh.site)
    return payment


def payment_reverse(*, fund_request: FundRequest, by: User, reason: str) -> Payment:
    """Reverse a payment (the money came back, or it was recorded in error): never deleted."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with transaction.atomic():
        account, fresh = _locked_request(fund_request)
        if not may_pay(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.PAID)
        payment = Payment.objects.select_for_update().get(request=fresh)
        payment.reversed_at = timezone.now()
        payment.reversed_by = by
        payment.reversal_reason = reason.strip()
        payment.touch(by=by, at=payment.reversed_at)
        payment.save()
        _entry(
            account=account,
            period=fresh.period,
            kind=Kind.REVERSAL,
            amount=fresh.amount,
            by=by,
            request=fresh,
        )
        fresh.status = Status.REVERSED
        _touch(fresh, by)
        fresh.save()
        event_log(actor=by, verb="fund_reverse", obj=fresh, site=fresh.site)
    return payment


CLOSED_STATUSES = (Status.REJECTED, Status.CANCELLED, Status.PAID, Status.REVERSED)


def request_texts_clear(*, fund_request: FundRequest, by: User | None) -> FundRequest:
    """Retention and erasure: clear what was written about the person (reason, evidence, the
    reasons of the decision and of a reversal) and the receipt image of a closed request;
    amounts, dates and the ledger stay, so the accounts still add up."""
    with transaction.atomic():
        fresh = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
        fresh.reason, fresh.evidence, fresh.decision_reason = "—", "", ""
        fresh.touch(by=by)
        fresh.save()
        payment = Payment.objects.filter(request=fresh).first()
        if payment is not None and (payment.receipt or payment.reversal_reason):
            if payment.receipt:
                payment.receipt.delete(save=False)
                payment.receipt_type = ""
            payment.reversal_reason = ""
            payment.touch(by=by)
            payment.save()
        event_log(actor=by, verb="fund_request_texts_clear", obj=fresh, site=fresh.site)
    return fresh

"""Requests for a payment: made, approved, rejected, cancelled, their texts cleared."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.cases.models import CaseAction
from orienta.cases.services import can_change
from orienta.core.access import can_record
from orienta.core.models import Organisation, Site, User
from orienta.core.services import event_log
from orienta.directory.models import CostOption, Service
from orienta.fund import holds, money
from orienta.fund.models import (
    MAX_QUANTITY,
    SPENDING_STATUSES,
    Account,
    Fund,
    FundRequest,
    FundSettings,
    Kind,
    Level,
    Payment,
    Period,
    Status,
)
from orienta.fund.services.ledger import (
    Refused,
    _entry,
    _lock,
    account_for,
    account_position,
    fund_settings_for,
    period_on,
)
from orienta.fund.services.permissions import may_cancel, may_decide
from orienta.lib import codes
from orienta.people.models import Person
from orienta.people.queries import current_membership
from orienta.referrals.models import Referral


class RepeatFound(Exception):
    """A look-alike request (same person, same service) is recent: confirm to go on."""

    def __init__(self, similar: FundRequest) -> None:
        super().__init__(similar.code)
        self.similar = similar


# Requests
# =============================================================================================


@dataclass
class RequestInput:
    """What a request is made of, as the form or the API gives it (already in scope)."""

    site: Site
    person: Person
    amount: object  # a number or a text, read by money.amount_parse
    reason: str
    criteria: list[str]
    evidence: str = ""
    provider: Organisation | None = None
    service: Service | None = None
    cost_option: CostOption | None = None
    referral: Referral | None = None
    case_action: CaseAction | None = None
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
    if not can_record(by):
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
        fund_request = FundRequest.objects.create(
            account=account,
            code=_next_code(account, data.site),
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


def _next_code(account: Account, site: Site) -> str:
    """`TD-NDJ1-F0012` from the site's account; a site node numbers from its own counter and
    puts its part in the code (`TD-NDJ1-N1-F0003`), so codes made offline never collide."""
    if (allocate := codes.allocator()) is not None:
        return allocate(site=site, kind="fund_request")
    account.request_seq += 1
    account.save(update_fields=["request_seq"])
    return f"{site.code}-F{account.request_seq:04d}"


def _request_fields(data: RequestInput, fund: Fund, rules: FundSettings) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
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
    # Each of these, when None, has added its error above.
    assert amount is not None and provider is not None and period is not None
    return _assembled(data, fund, rules, amount, provider, period) | {"quantity": quantity}


def _quantity(value: object) -> int | None:
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


def _assembled(
    data: RequestInput,
    fund: Fund,
    rules: FundSettings,
    amount: Decimal,
    provider: Organisation,
    period: Period,
) -> dict[str, Any]:
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


def _provider(data: RequestInput) -> Organisation | None:
    """The provider given, else the organisation of the cost option's, the request's or the
    referral's service, the first given."""
    if data.provider is not None:
        return data.provider
    if data.cost_option is not None:
        return data.cost_option.service.organisation
    if data.service is not None:
        return data.service.organisation
    if data.referral is not None:
        return data.referral.service.organisation
    return None


def _cost_option_error(
    data: RequestInput, fund: Fund, amount: Decimal | None, quantity: int
) -> str | None:
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


def _spent(qs: QuerySet[FundRequest]) -> Decimal:
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
    fund_request.touch(by=by)
    fund_request.save()


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
        holds.approval_check(account, fresh, available)  # a node's allowance, nodes' reserves
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
        fresh.touch(by=by)
        fresh.save()
        event_log(actor=by, verb="fund_cancel", obj=fresh, site=fresh.site)
    return fresh


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

"""Payments of approved requests and their reversals, each a ledger entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.models import User
from orienta.core.services import event_log
from orienta.fund.models import (
    FundRequest,
    FundSettings,
    Kind,
    Method,
    Payment,
    Status,
)
from orienta.fund.services.ledger import Refused, _entry, fund_settings_for
from orienta.fund.services.permissions import may_pay
from orienta.fund.services.requests import _locked_request, _require_status
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls


@dataclass
class PaymentInput:
    method: str
    paid_on: date | None = None
    receipt_number: str = ""
    operator: str = ""
    reference: str = ""
    receipt: UploadedFile[bytes] | None = None  # already checked by receipts.receipt_check


def _payment_errors(data: PaymentInput, rules: FundSettings) -> dict[str, Any]:
    errors: dict[str, Any] = {}
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
            payment.receipt_type = data.receipt.content_type or ""
            payment.receipt.save(data.receipt.name or "receipt", data.receipt, save=False)
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
        fresh.touch(by=by)
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
        fresh.touch(by=by)
        fresh.save()
        event_log(actor=by, verb="fund_reverse", obj=fresh, site=fresh.site)
    return payment


def payment_at_site_confirm(*, fund_request: FundRequest, by: User) -> Payment:
    """Enter in the ledger the payment a site node made offline of a request the central server
    has approved since (the node's approval was a conflict, resolved in its favour): the
    payment's record came with the sync, the money has already left the site's cash box, so it
    is counted once, here."""
    with transaction.atomic():
        account, fresh = _locked_request(fund_request)
        if not may_pay(by, fresh):
            raise PermissionDenied
        _require_status(fresh, Status.APPROVED)
        payment = Payment.objects.filter(request=fresh, reversed_at__isnull=True).first()
        if payment is None:
            raise Refused(
                _("Request %(code)s has no payment made at the site to enter in the ledger.")
                % {"code": fresh.code}
            )
        _entry(
            account=account,
            period=fresh.period,
            kind=Kind.PAYMENT,
            amount=fresh.amount,
            by=by,
            request=fresh,
        )
        fresh.status = Status.PAID
        fresh.touch(by=by)
        fresh.save()
        event_log(actor=by, verb="fund_pay", obj=fresh, site=fresh.site)
    return payment

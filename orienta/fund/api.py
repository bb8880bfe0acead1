"""API routes of the support fund, mounted under /api/v1/ by orienta.api.v1."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import access_log_read, access_log_search
from orienta.core.models import User
from orienta.core.types import ApiRequest
from orienta.fund import queries, services
from orienta.fund.models import FundRequest, Payment
from orienta.fund.money import MINOR_UNITS
from orienta.fund.notices import repeat_message
from orienta.fund.refs import request_input
from orienta.fund.schemas import (
    BalancesOut,
    PayIn,
    ReasonIn,
    RepeatOut,
    RequestIn,
    RequestOut,
)
from orienta.lib.api.errors import Detail, FieldErrors
from orienta.lib.api.pagination import PageMapped, Pages

router = Router(tags=["fund"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
ACTION_ERRORS = {200: RequestOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors}


def _amount(value: Decimal, currency: str) -> str:
    places = MINOR_UNITS.get(currency, 2)
    return f"{value:.{places}f}"


def _name(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _payment(req: FundRequest) -> dict[str, Any] | None:
    payment: Payment | None = getattr(req, "payment", None)  # a request unpaid has none
    if payment is None:
        return None
    return {
        "method": payment.method,
        "receipt_number": payment.receipt_number,
        "operator": payment.operator,
        "reference": payment.reference,
        "paid_on": payment.paid_on,
        "paid_at": payment.created_at,
        "paid_by": _name(payment.created_by),
        "has_receipt": bool(payment.receipt),
        "reversed_at": payment.reversed_at,
        "reversed_by": _name(payment.reversed_by),
        "reversal_reason": payment.reversal_reason,
    }


def request_out(req: FundRequest) -> dict[str, Any]:
    return {
        "id": req.pk,
        "code": req.code,
        "site": req.site.code,
        "person": req.person_id,
        "person_code": req.person.code,
        "household": req.household.code if req.household is not None else None,
        "provider": req.provider_id,
        "provider_name": req.provider.name,
        "service": req.service_id,
        "service_name": req.service_name,
        "cost_option": req.cost_option_id,
        "referral": req.referral_id,
        "case_action": req.case_action_id,
        "period": req.period.name,
        "quantity": req.quantity,
        "amount": _amount(req.amount, req.currency),
        "currency": req.currency,
        "amount_eur": _amount(req.amount_eur, "EUR"),
        "reason": req.reason,
        "criteria": req.criteria,
        "evidence": req.evidence,
        "level": req.level,
        "status": req.status,
        "repeat_of": req.repeat_of.code if req.repeat_of is not None else None,
        "created_at": req.created_at,
        "created_by": _name(req.created_by),
        "decided_at": req.decided_at,
        "decided_by": _name(req.decided_by),
        "decision_reason": req.decision_reason,
        "payment": _payment(req),
        "version": req.version,
    }


# What `request_out` reads of a request's relations, and nothing more (the list's queryset
# joins the site's country and the account's fund for the pages; a page of fifty would read
# them for nothing).
LIST_RELATED = (
    "site",
    "person",
    "provider",
    "period",
    "created_by",
    "payment",
    "payment__created_by",
    "payment__reversed_by",
    "household",
    "repeat_of",
    "decided_by",
)
# ... and the columns it reads of each: a person's row and a user's are wide, and a request
# joins five users and persons.
PAYMENT_FIELDS = (
    "method",
    "receipt_number",
    "operator",
    "reference",
    "paid_on",
    "created_at",
    "created_by__username",
    "receipt",
    "reversed_at",
    "reversed_by__username",
    "reversal_reason",
)
LIST_FIELDS = (
    "code",
    "site__code",
    "person__code",
    "household__code",
    "provider__name",
    "service",
    "service_name",
    "cost_option",
    "referral",
    "case_action",
    "period__name",
    "quantity",
    "amount",
    "currency",
    "amount_eur",
    "reason",
    "criteria",
    "evidence",
    "level",
    "status",
    "repeat_of__code",
    "created_at",
    "created_by__username",
    "decided_at",
    "decided_by__username",
    "decision_reason",
    "version",
    *(f"payment__{name}" for name in PAYMENT_FIELDS),
)


def _read(request: ApiRequest, request_id: UUID) -> FundRequest:
    req = queries.request_for(request.auth, request_id)
    access_log_read(request, req.person, object_type="fund_request", object_id=req.pk)
    return req


def _fresh(request: ApiRequest, req: FundRequest) -> dict[str, Any]:
    return request_out(queries.request_for(request.auth, req.pk))


@router.get("/fund/requests", response=list[RequestOut], summary="List fund requests")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def request_list(
    request: ApiRequest,
    status: str = Query("", max_length=12, description="Only requests with this status."),
    site: str = Query("", max_length=12, description="Only requests of this site (code)."),
) -> PageMapped:
    """Requests in the caller's scope, newest first."""
    found = queries.request_list(request.auth, status=status)
    if site:
        found = found.filter(site__code=site.upper())
    total = found.count()
    access_log_search(
        request,
        query=f"status={status} site={site}".strip(),
        results=total,
        object_type="fund_request",
    )
    # Each page is turned into dicts only once sliced by the paginator.
    return PageMapped(
        found.select_related(None).select_related(*LIST_RELATED).only(*LIST_FIELDS),
        total,
        lambda page: [request_out(r) for r in page],
    )


@router.post(
    "/fund/requests",
    response={201: RequestOut, 403: Detail, 409: RepeatOut, 422: FieldErrors},
    summary="Request a payment from the fund",
)
def request_create(request: ApiRequest, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    """Ask the person's site fund to pay a service fee.

    The amount is the total for the `quantity` of units (1 by default); it may not be a JSON
    decimal number, must be in the fund's currency and minor units, may not exceed
    the cost option's price times the quantity, nor the limits per person and per household
    for the period (422). When the same person had a request for the same service recently,
    nothing is written and the answer is **409** with the look-alike's reference; send the same
    body with `"confirm_repeat": true` to go on.
    """
    data = request_input(request.auth, payload.model_dump())
    try:
        req = services.request_create(data=data, by=request.auth)
    except services.RepeatFound as found:
        return 409, {"detail": repeat_message(found.similar), "similar": found.similar.code}
    access_log_read(request, req.person, object_type="fund_request", object_id=req.pk)
    return 201, _fresh(request, req)


@router.get(
    "/fund/requests/{uuid:request_id}",
    response={200: RequestOut, 404: Detail},
    summary="Read a fund request",
)
def request_read(request: ApiRequest, request_id: UUID) -> tuple[int, dict[str, Any]]:
    return 200, request_out(_read(request, request_id))


@router.post(
    "/fund/requests/{uuid:request_id}/approve",
    response=ACTION_ERRORS,
    summary="Approve a request",
)
def request_approve(request: ApiRequest, request_id: UUID) -> tuple[int, dict[str, Any]]:
    """Approve and commit the amount. The site manager approves up to the country's threshold,
    the coordinator any amount; nobody approves their own request (403). If the site's fund
    cannot cover the amount, the answer is 409 and the request stays awaiting approval."""
    req = _read(request, request_id)
    return 200, _fresh(request, services.request_approve(fund_request=req, by=request.auth))


@router.post(
    "/fund/requests/{uuid:request_id}/reject",
    response=ACTION_ERRORS,
    summary="Reject a request",
)
def request_reject(
    request: ApiRequest, request_id: UUID, payload: ReasonIn
) -> tuple[int, dict[str, Any]]:
    """Reject with a reason (required)."""
    req = _read(request, request_id)
    done = services.request_reject(fund_request=req, by=request.auth, reason=payload.reason)
    return 200, _fresh(request, done)


@router.post(
    "/fund/requests/{uuid:request_id}/cancel",
    response=ACTION_ERRORS,
    summary="Cancel a request before payment",
)
def request_cancel(
    request: ApiRequest, request_id: UUID, payload: ReasonIn
) -> tuple[int, dict[str, Any]]:
    """Cancel before payment; an approved request gives its commitment back to the fund."""
    req = _read(request, request_id)
    done = services.request_cancel(fund_request=req, by=request.auth, reason=payload.reason)
    return 200, _fresh(request, done)


@router.post(
    "/fund/requests/{uuid:request_id}/pay",
    response=ACTION_ERRORS,
    summary="Record the payment to the provider",
)
def request_pay(
    request: ApiRequest, request_id: UUID, payload: PayIn
) -> tuple[int, dict[str, Any]]:
    """Record that an approved request was paid to its provider: in cash (`receipt_number`) or
    by mobile money (`operator`, one of the country's, and `reference`). A request is paid once;
    a mobile money reference is recorded once."""
    req = _read(request, request_id)
    data = services.PaymentInput(**payload.model_dump())
    services.payment_record(fund_request=req, by=request.auth, data=data)
    return 200, _fresh(request, req)


@router.post(
    "/fund/requests/{uuid:request_id}/reverse",
    response=ACTION_ERRORS,
    summary="Reverse a payment",
)
def request_reverse(
    request: ApiRequest, request_id: UUID, payload: ReasonIn
) -> tuple[int, dict[str, Any]]:
    """Reverse a payment with a reason (required): the money returns to the site's fund; the
    payment stays on record."""
    req = _read(request, request_id)
    services.payment_reverse(fund_request=req, by=request.auth, reason=payload.reason)
    return 200, _fresh(request, req)


@router.get("/fund/balances", response=BalancesOut, summary="Fund balances per site")
def balances(request: ApiRequest) -> dict[str, Any]:
    """Per site in the caller's scope: allocated, committed, paid and available, in the local
    currency and in euros (at the rate of the current period)."""
    sites = queries.sites_with_fund(request.auth)
    items: list[dict[str, Any]] = []
    for pos in queries.positions(sites, on=timezone.localdate()):
        row = pos.as_dict()
        for key, value in list(row.items()):
            if key not in ("site", "currency"):
                row[key] = (
                    None
                    if value is None
                    else _amount(value, "EUR" if key.endswith("_eur") else pos.currency)
                )
        items.append(row)
    return {"items": items, "count": len(items)}

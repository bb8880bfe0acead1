"""Pages of the support fund: requests, their approval, payment and reversal."""

from collections.abc import Callable
from typing import Any, Protocol
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_read, access_log_search
from orienta.cases.queries import action_for
from orienta.cases.services import can_change
from orienta.core.access import approves_payments, can_read_persons, can_record, uses_fund
from orienta.core.models import Country, User
from orienta.core.types import AuthedRequest
from orienta.directory.models import CostOption, Service
from orienta.fund import queries, services
from orienta.fund.forms import CancelForm, PaymentForm, ReasonForm, RequestForm
from orienta.fund.models import FundRequest, Payment, Status
from orienta.fund.money import quantum
from orienta.fund.notices import repeat_message
from orienta.fund.refs import priced_option, request_input
from orienta.lib.errors import OutOfScope, refused_message
from orienta.people.models import Person
from orienta.people.queries import person_for
from orienta.referrals.models import Referral
from orienta.referrals.queries import referral_for

# The ids a request comes from (person, referral, case action), as the query string gives them.
type Refs = dict[str, str | None]


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The fund's front page: the requests in scope (for those who read personal data)."""
    user = request.user
    _require(uses_fund(user))
    context: dict[str, Any] = {"statuses": Status.choices, "status": "", "page": None}
    if can_read_persons(user):
        status = request.GET.get("status", "")
        status = status if status in Status.values else ""
        found = queries.rows(queries.request_list(user, status=status))
        page = Paginator(found, 30).get_page(request.GET.get("page"))
        access_log_search(
            request,
            query=f"status={status}",
            results=page.paginator.count,
            object_type="fund_request",
        )
        context |= {"status": status, "page": page}
    context["queue_count"] = queries.approval_queue(user).count()
    return render(request, "fund/home.html", context)


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    """Requests awaiting the user's decision, and approved ones to pay."""
    user = request.user
    _require(approves_payments(user))
    # The user's requests (their scope's rules built once), then each list of them.
    requests = queries.request_list(user)
    waiting = list(queries.rows(queries.approval_queue(user, requests))[:100])
    to_pay = list(queries.rows(queries.to_pay(user, requests))[:100])
    access_log_search(
        request, query="queue", results=len(waiting) + len(to_pay), object_type="fund_request"
    )
    return render(request, "fund/queue.html", {"waiting": waiting, "to_pay": to_pay})


def _options(user: User, country: Country) -> list[tuple[str, str]]:
    """The cost options a request may pay, as (id, label) pairs."""
    from orienta.fund.money import money_format

    found = (
        CostOption.objects.filter(
            deleted_at__isnull=True,
            currency=country.currency,
            amount__gt=0,
            service__in=Service.objects.visible_to(user).filter(
                organisation__country=country, status="active"
            ),
        )
        .select_related("service", "service__organisation")
        .order_by("service__name", "amount")
    )
    return [
        (
            str(o.pk),
            f"{o.service.name} · {o.service.organisation.name} · {o.option}: "
            f"{money_format(o.amount, o.currency)}",
        )
        for o in found[:300]
    ]


def _origin(request: AuthedRequest, user: User) -> tuple[Person, Refs]:
    """The person, and the referral or case action the request comes from (query string)."""
    source = request.POST if request.method == "POST" else request.GET
    refs: Refs = {k: source.get(k) or None for k in ("person", "referral", "case_action")}
    if refs["referral"]:
        try:
            referral = referral_for(user, refs["referral"])
        except ValidationError:
            raise OutOfScope("referral") from None
        _require(referral.case is None or can_change(user, referral.case))
        refs["person"] = refs["person"] or str(referral.person_id)
    if refs["case_action"]:
        try:
            case = action_for(user, refs["case_action"]).case
        except ValidationError:
            raise OutOfScope("case_action") from None
        _require(can_change(user, case))
        refs["person"] = refs["person"] or str(case.person_id)
    if not refs["person"]:
        raise OutOfScope("person")
    return person_for(user, refs["person"]), refs


def _referral(user: User, refs: Refs) -> Referral | None:
    """The referral the request is made for (in the user's scope), or None."""
    if not refs["referral"]:
        return None
    return referral_for(user, refs["referral"])


def _request_form(request: AuthedRequest, person: Person, referral: Referral | None) -> RequestForm:
    """The form, opened with the referral's cost option and its price as the unit price."""
    country = person.site.country
    rules = services.fund_settings_for(country)
    initial: dict[str, object] = {"quantity": 1}
    option = priced_option(referral.service, country.currency) if referral else None
    if option is not None:
        price = option.amount.quantize(quantum(country.currency))
        initial |= {"cost_option": str(option.pk), "unit_price": f"{price:f}"}
    return RequestForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        country=country,
        options=_options(request.user, country),
        criteria=rules.criteria,
    )


@login_required
def request_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(can_record(user))
    person, refs = _origin(request, user)
    _require(person.site in user.sites.all())
    access_log_read(request, person)
    referral = _referral(user, refs)
    form = _request_form(request, person, referral)
    context: dict[str, Any] = {
        "form": form,
        "person": person,
        "refs": refs,
        "referral": referral,
        "similar": None,
    }
    if request.method != "POST":
        return render(request, "fund/request_form.html", context)
    if not form.is_valid():
        return render(request, "fund/request_form.html", context, status=422)
    data = form.cleaned_data | refs
    data["provider"] = data["provider"].pk if data.get("provider") else None
    try:
        created = services.request_create(data=request_input(user, data), by=user)
    except ValidationError as exc:
        _form_errors(form, exc, aliases={"amount": "unit_price"})
        return render(request, "fund/request_form.html", context, status=422)
    except services.RepeatFound as found:
        context["similar"] = found.similar
        messages.warning(request, repeat_message(found.similar))
        return render(request, "fund/request_form.html", context)
    messages.success(request, _("Request %(code)s is recorded.") % {"code": created.code})
    return redirect("fund:request", pk=created.pk)


def _form_errors(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """The service's errors on the form's fields (`aliases`: a service field shown as another
    form field); errors of fields the form does not have go above it."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)


# The request page may hold several forms with a reason: each its own ids.
FORM_IDS = {
    "reject_form": "id_reject_%s",
    "cancel_form": "id_cancel_%s",
    "reverse_form": "id_reverse_%s",
}


def _detail_context(request: AuthedRequest, req: FundRequest, **forms: Form) -> dict[str, Any]:
    user = request.user
    operators = services.fund_settings_for(req.site.country).mobile_operators
    return {
        "req": req,
        "payment": getattr(req, "payment", None),
        "entries": req.entries.select_related("by").order_by("at"),
        "may_decide": req.status == Status.REQUESTED and services.may_decide(user, req),
        "may_pay": req.status == Status.APPROVED and services.may_pay(user, req),
        "may_reverse": req.status == Status.PAID and services.may_pay(user, req),
        "may_cancel": req.is_open and services.may_cancel(user, req),
        "reject_form": forms.get("reject_form") or ReasonForm(auto_id=FORM_IDS["reject_form"]),
        "cancel_form": forms.get("cancel_form") or CancelForm(auto_id=FORM_IDS["cancel_form"]),
        "reverse_form": forms.get("reverse_form") or ReasonForm(auto_id=FORM_IDS["reverse_form"]),
        "pay_form": forms.get("pay_form") or PaymentForm(operators=operators),
    }


def _load(request: AuthedRequest, pk: UUID) -> FundRequest:
    _require(can_read_persons(request.user))
    req = queries.request_for(request.user, pk)
    access_log_read(request, req.person, object_type="fund_request", object_id=req.pk)
    return req


@login_required
def detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    req = _load(request, pk)
    return render(request, "fund/request.html", _detail_context(request, req))


def _act(
    request: AuthedRequest,
    req: FundRequest,
    action: Callable[[], None],
    form_name: str | None = None,
    form: Form | None = None,
) -> HttpResponse:
    """Run a service; on refusal or bad input show the request again with the reason."""
    try:
        action()
    except services.Refused as exc:
        refused_message(request, exc)
        return redirect("fund:request", pk=req.pk)
    except ValidationError as exc:
        if form is None or form_name is None:
            raise
        _form_errors(form, exc)
        context = _detail_context(request, req, **{form_name: form})
        return render(request, "fund/request.html", context, status=422)
    return redirect("fund:request", pk=req.pk)


@login_required
@require_POST
def approve(request: AuthedRequest, pk: UUID) -> HttpResponse:
    req = _load(request, pk)
    _require(services.may_decide(request.user, req))

    def run() -> None:
        services.request_approve(fund_request=req, by=request.user)
        messages.success(request, _("Request %(code)s is approved.") % {"code": req.code})

    return _act(request, req, run)


class ReasonService(Protocol):
    """A service that acts on a request with a reason: reject, cancel, reverse."""

    def __call__(self, *, fund_request: FundRequest, by: User, reason: str) -> object: ...


def _reason_action(
    request: AuthedRequest,
    pk: UUID,
    form_class: type[ReasonForm | CancelForm],
    form_name: str,
    allowed: Callable[[User, FundRequest], bool],
    service: ReasonService,
    done_message: str,
) -> HttpResponse:
    req = _load(request, pk)
    _require(allowed(request.user, req))
    form = form_class(request.POST, auto_id=FORM_IDS[form_name])
    if not form.is_valid():
        return render(
            request,
            "fund/request.html",
            _detail_context(request, req, **{form_name: form}),
            status=422,
        )

    def run() -> None:
        service(fund_request=req, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, done_message % {"code": req.code})

    return _act(request, req, run, form_name, form)


@login_required
@require_POST
def reject(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        ReasonForm,
        "reject_form",
        services.may_decide,
        services.request_reject,
        _("Request %(code)s is rejected."),
    )


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        CancelForm,
        "cancel_form",
        services.may_cancel,
        services.request_cancel,
        _("Request %(code)s is cancelled."),
    )


@login_required
@require_POST
def reverse(request: AuthedRequest, pk: UUID) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        ReasonForm,
        "reverse_form",
        services.may_pay,
        services.payment_reverse,
        _("The payment of %(code)s is reversed."),
    )


@login_required
@require_POST
def pay(request: AuthedRequest, pk: UUID) -> HttpResponse:
    req = _load(request, pk)
    _require(services.may_pay(request.user, req))
    operators = services.fund_settings_for(req.site.country).mobile_operators
    form = PaymentForm(request.POST, request.FILES, operators=operators)
    if not form.is_valid():
        context = _detail_context(request, req, pay_form=form)
        return render(request, "fund/request.html", context, status=422)
    cleaned = form.cleaned_data
    data = services.PaymentInput(
        method=cleaned["method"] or "",
        paid_on=cleaned["paid_on"],
        receipt_number=cleaned["receipt_number"] or "",
        operator=cleaned["operator"] or "",
        reference=cleaned["reference"] or "",
        receipt=cleaned["receipt"],
    )

    def run() -> None:
        services.payment_record(fund_request=req, by=request.user, data=data)
        messages.success(request, _("The payment of %(code)s is recorded.") % {"code": req.code})

    return _act(request, req, run, "pay_form", form)


@login_required
def receipt(request: AuthedRequest, pk: UUID) -> FileResponse:
    """The receipt attached to a payment, to those who may see the request."""
    req = _load(request, pk)
    payment: Payment | None = getattr(req, "payment", None)  # a request unpaid has none
    if payment is None or not payment.receipt:
        raise OutOfScope("fund_request", pk)
    response = FileResponse(payment.receipt.open("rb"), content_type=payment.receipt_type)
    response["Content-Disposition"] = f'inline; filename="{req.code}-receipt"'
    response["Cache-Control"] = "no-store"
    return response

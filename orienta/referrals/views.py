"""Referral pages for BIOSP staff: list, send (with a preview), the referral, its slip, metrics."""

import re
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.models import Action
from orienta.audit.services import access_log_read, access_log_record, access_log_search
from orienta.audit.services import channel_of as log_channel
from orienta.core.scoping import PERSONAL_DATA_ROLES, can_record, writable_sites
from orienta.referrals import queries, services
from orienta.referrals.forms import AnswerForm, ReferralForm, ServiceFilterForm, SlipForm
from orienta.referrals.models import TRANSITIONS, Referral, Status, Urgency
from orienta.referrals.slip import confirmation_url, slip_pdf

OBJECT = "referral"


def refused(request, pk, *, object_type=OBJECT) -> Http404:
    """Log a 404 on a record out of scope (the audit middleware logs only its own paths)."""
    access_log_record(
        request=request,
        action=Action.REFUSED,
        channel=log_channel(request),
        object_type=object_type,
        object_id=pk,
        person_id=pk if object_type == "person" else None,
        query=request.META.get("QUERY_STRING", ""),
        status=404,
    )
    return Http404()


def referral_or_refuse(request, pk) -> Referral:
    try:
        return queries.referral_for(request.user, pk)
    except Http404:
        raise refused(request, pk) from None


def log_read(request, referral) -> None:
    access_log_read(request, referral.person, object_type=OBJECT, object_id=referral.pk)


def _require_reader(user):
    if user.role not in PERSONAL_DATA_ROLES:
        raise PermissionDenied


@login_required
def referral_list(request):
    _require_reader(request.user)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = queries.referral_list(request.user, status=status)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    access_log_search(
        request, query=f"status={status}", results=page.paginator.count, object_type=OBJECT
    )
    context = {
        "page": page,
        "referrals": queries.label_persons(request.user, page.object_list),
        "status": status,
        "statuses": Status.choices,
    }
    return render(request, "referrals/list.html", context)


@login_required
def referral_detail(request, pk):
    _require_reader(request.user)
    referral = referral_or_refuse(request, pk)
    log_read(request, referral)
    return render(request, "referrals/detail.html", detail_context(request, referral))


def detail_context(request, referral, form=None) -> dict:
    staff = queries.records_at(request.user, referral)
    allowed = TRANSITIONS.get(referral.status, set()) if staff else set()
    return {
        "referral": referral,
        "shared": queries.shared_data(referral),
        "events": referral.events.select_related("user"),
        "staff": staff,
        "form": form or (AnswerForm(allowed=allowed) if allowed else None),
        "links": referral.links.filter(revoked_at__isnull=True).count(),
        "languages": SlipForm.base_fields["lang"].choices,
        "default_language": referral.site.country.language,
    }


@login_required
@require_POST
def referral_answer(request, pk):
    """The site's staff record the outcome learned at follow-up, or cancel."""
    _require_reader(request.user)
    referral = referral_or_refuse(request, pk)
    if not queries.records_at(request.user, referral):
        raise PermissionDenied
    log_read(request, referral)
    form = AnswerForm(request.POST, allowed=TRANSITIONS.get(referral.status, set()))
    if form.is_valid():
        try:
            answer(referral, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, queries.status_message(referral))
            return redirect("referrals:detail", pk=referral.pk)
    context = detail_context(request, referral, form)
    return render(request, "referrals/detail.html", context, status=422)


def answer(referral, data, *, by, actor="user"):
    """Apply an AnswerForm's status and note."""
    status, note = data["status"], data.get("note", "")
    if status == Status.CANCELLED:
        return services.referral_cancel(referral=referral, by=by, note=note)
    if status == Status.DECLINED:
        return services.referral_decline(referral=referral, reason=note, by=by, actor=actor)
    move = {
        Status.ACCEPTED: services.referral_accept,
        Status.SERVED: services.referral_serve,
        Status.NOT_SERVED: services.referral_not_served,
    }[status]
    return move(referral=referral, by=by, actor=actor, note=note)


@login_required
def referral_slip(request, pk):
    """The slip as a PDF. Printing is a read of the person's data, and logged as a print."""
    _require_reader(request.user)
    referral = referral_or_refuse(request, pk)
    if not queries.records_at(request.user, referral):
        raise PermissionDenied
    return slip_response(request, referral)


def slip_response(request, referral) -> HttpResponse:
    from orienta.fund.queries import referral_fund_status

    form = SlipForm(request.GET)
    language = form.cleaned_data["lang"] if form.is_valid() else ""
    language = language or referral.site.country.language
    link = services.link_for(referral=referral, by=request.user)
    data = slip_pdf(
        referral,
        language=language,
        url=confirmation_url(link.token, request),
        fund_status=referral_fund_status(referral),
    )
    access_log_record(
        request=request,
        action=Action.PRINT,
        channel=log_channel(request),
        object_type=OBJECT,
        object_id=referral.pk,
        person_id=referral.person_id,
        site_id=referral.site_id,
        query=f"slip lang={language}",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="referral-{referral.code}.pdf"'
    return response


@login_required
@require_POST
def link_revoke(request, pk):
    _require_reader(request.user)
    referral = referral_or_refuse(request, pk)
    if not queries.records_at(request.user, referral):
        raise PermissionDenied
    count = services.link_revoke(referral=referral, by=request.user)
    if count:
        messages.success(
            request,
            _("The provider's link no longer works. Print the slip again for a new one."),
        )
    else:
        messages.info(request, _("This referral has no link in use."))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
def metrics(request):
    if request.user.role not in queries.METRICS_ROLES:
        raise PermissionDenied
    month = request.GET.get("month", "")
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        month = ""
    context = {"metrics": queries.referral_metrics(request.user, month=month)}
    return render(request, "referrals/metrics.html", context)


# Sending
# =============================================================================================


def _origin(request):
    """The person, and the case, case action or visit the referral comes from (404 if any is
    out of scope or does not belong to the person)."""
    from orienta.cases.queries import action_for, case_for
    from orienta.frontdesk.models import Visit
    from orienta.people.queries import person_for

    source = request.POST if request.method == "POST" else request.GET
    user = request.user
    case = action = visit = None
    try:
        person = person_for(user, source.get("person") or request.GET.get("person"))
        if source.get("case"):
            case = case_for(user, source["case"])
        if source.get("action"):
            action = action_for(user, source["action"])
            case = case or action.case
        if source.get("visit"):
            visit = Visit.objects.visible_to(user).current().filter(pk=source["visit"]).first()
    except ValidationError:
        raise Http404 from None
    if (
        (case and case.person_id != person.pk)
        or (action and action.case_id != case.pk)
        or (source.get("visit") and (visit is None or visit.person_id != person.pk))
    ):
        raise Http404
    return person, case, action, visit


def _person_param(request):
    try:
        return UUID(str(request.POST.get("person") or request.GET.get("person")))
    except ValueError:
        return None


def _sending_site(user, person, case, visit):
    sites = writable_sites(user)
    for candidate in (case and case.site_id, visit and visit.site_id, person.site_id):
        if candidate and sites.filter(pk=candidate).exists():
            return sites.get(pk=candidate)
    if case or visit:
        raise PermissionDenied
    return sites.select_related("country").first()


@login_required
def referral_new(request):
    """Choose the service (by theme), urgency, reason and the data shared; preview; send."""
    if not can_record(request.user):
        raise PermissionDenied
    try:
        person, case, action, visit = _origin(request)
    except Http404:
        raise refused(request, _person_param(request), object_type="person") from None
    site = _sending_site(request.user, person, case, visit)
    if site is None:
        raise PermissionDenied
    access_log_read(request, person)
    origin = {"person": person, "case": case, "action": action, "visit": visit, "site": site}
    if request.method != "POST":
        return _send_form(request, origin)
    form = ReferralForm(request.POST, services=queries.services_for(request.user, site))
    if not form.is_valid() or request.POST.get("step") == "edit":
        status = 200 if form.is_valid() else 422
        return _send_form(request, origin, form, status=status)
    if request.POST.get("step") != "send":
        return _preview(request, origin, form)
    return _send(request, origin, form)


def _send_form(request, origin, form=None, status=200):
    from orienta.people.queries import person_may_be_shared

    filters = ServiceFilterForm(request.GET)
    theme, q = "", ""
    if filters.is_valid():
        theme, q = filters.cleaned_data["theme"], filters.cleaned_data["q"]
    found = queries.services_for(request.user, origin["site"], theme=theme, q=q)
    if form is None:
        initial = {"reason": origin["action"].what} if origin["action"] else {}
        form = ReferralForm(services=found, initial=initial)
    else:
        form.fields["service"].queryset = queries.services_for(request.user, origin["site"])
    context = origin | {
        "form": form,
        "filters": filters,
        "may_share": person_may_be_shared(origin["person"]),
        "is_manager": request.user.role == "manager",
    }
    return render(request, "referrals/new.html", context, status=status)


def _preview(request, origin, form):
    from orienta.people.queries import person_may_be_shared

    data = form.cleaned_data
    draft = Referral(person=origin["person"], shared_fields=data["shared_fields"])
    context = origin | {
        "form": form,
        "data": data,
        "shared": queries.shared_data(draft),
        "urgency": Urgency(data["urgency"]).label,
        "may_share": person_may_be_shared(origin["person"]),
    }
    return render(request, "referrals/preview.html", context)


def _send(request, origin, form):
    data = form.cleaned_data
    try:
        referral = services.referral_send(
            by=request.user,
            person=origin["person"],
            service=data["service"],
            site=origin["site"],
            reason=data["reason"],
            urgency=data["urgency"],
            shared_fields=data["shared_fields"],
            case=origin["case"],
            action=origin["action"],
            visit=origin["visit"],
            consent_override_reason=data["consent_override_reason"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _send_form(request, origin, form, status=422)
    log_send(request, referral)
    messages.success(
        request,
        _("The referral is sent. Its reference is %(code)s: print the slip for the person.")
        % {"code": referral.code},
    )
    return redirect("referrals:detail", pk=referral.pk)


def log_send(request, referral) -> None:
    """The person's data (the fields chosen) leaves for a partner: an export in the log."""
    basis = (
        f"override: {referral.consent_override_reason}"
        if referral.consent_override_reason
        else "consent"
    )
    access_log_record(
        request=request,
        action=Action.EXPORT,
        channel=log_channel(request),
        object_type=OBJECT,
        object_id=referral.pk,
        person_id=referral.person_id,
        site_id=referral.site_id,
        query=f"to {referral.service.name}; shared: {','.join(referral.shared_fields)}; {basis}",
    )

"""Referral pages for BIOSP staff: list, send (with a preview), the referral, its slip, metrics."""

import re
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_read, access_log_search
from orienta.cases.models import Case, CaseAction
from orienta.core import page_panels
from orienta.core.access import can_read_persons, can_record, manages_sites, reads_referral_metrics
from orienta.core.models import User
from orienta.core.types import AuthedRequest
from orienta.frontdesk.models import Visit
from orienta.lib.forms import choice_field, model_choice_field
from orienta.people.models import Person
from orienta.people.queries import person_may_be_shared
from orienta.referrals import queries, services
from orienta.referrals.access import (
    OBJECT,
    log_read,
    log_send,
    slip_response,
)
from orienta.referrals.forms import AnswerForm, ReferralForm, ServiceFilterForm, SlipForm
from orienta.referrals.models import TRANSITIONS, Referral, Status, Urgency


def _require_reader(user: User) -> None:
    if not can_read_persons(user):
        raise PermissionDenied


LIST_RELATED = ("person", "service", "service__organisation", "site")
LIST_FIELDS = (
    *queries.LINE_FIELDS,
    "sent_at",
    "answer_due_at",
    "service__organisation__name",
    "site__code",
)


@login_required
def referral_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request.user)
    status = request.GET.get("status", "")
    if status not in (*Status.values, queries.AWAITING):
        status = ""
    found = queries.referral_list(request.user, status=status)
    # Only what a line shows ({% referral_lines %}): the sender and the case are not joined,
    # and the person's, the service's and the site's wide rows are not read whole.
    found = found.select_related(None).select_related(*LIST_RELATED).only(*LIST_FIELDS)
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    access_log_search(
        request, query=f"status={status}", results=page.paginator.count, object_type=OBJECT
    )
    context = {
        "page": page,
        "referrals": queries.label_persons(request.user, page.object_list),
        "status": status,
        "statuses": [(queries.AWAITING, _("Awaiting an answer")), *Status.choices],
    }
    return render(request, "referrals/list.html", context)


@login_required
def referral_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_reader(request.user)
    referral = queries.referral_for(request.user, pk)
    log_read(request, referral)
    return render(request, "referrals/detail.html", detail_context(request, referral))


def detail_context(
    request: AuthedRequest, referral: Referral, form: AnswerForm | None = None
) -> dict:
    staff = queries.records_at(request.user, referral)
    allowed = TRANSITIONS.get(referral.status, set()) if staff else set()
    return {
        "referral": referral,
        "shared": queries.shared_data(referral),
        "events": referral.events.select_related("user"),
        "staff": staff,
        "form": form or (AnswerForm(allowed=allowed) if allowed else None),
        "links": referral.links.filter(revoked_at__isnull=True).count(),
        "languages": choice_field(SlipForm.base_fields, "lang").choices,
        "default_language": referral.site.country.language,
        "panels": page_panels.render("referral_panel", request, referral),
    }


@login_required
@require_POST
def referral_answer(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The site's staff record the outcome learned at follow-up, or cancel."""
    _require_reader(request.user)
    referral = queries.referral_for(request.user, pk)
    if not queries.records_at(request.user, referral):
        raise PermissionDenied
    log_read(request, referral)
    form = AnswerForm(request.POST, allowed=TRANSITIONS.get(referral.status, set()))
    if form.is_valid():
        try:
            services.referral_answer(
                referral=referral,
                status=form.cleaned_data["status"],
                note=form.cleaned_data.get("note", ""),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, queries.status_message(referral))
            return redirect("referrals:detail", pk=referral.pk)
    context = detail_context(request, referral, form)
    return render(request, "referrals/detail.html", context, status=422)


@login_required
def referral_slip(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The slip as a PDF. Printing is a read of the person's data, and logged as a print."""
    _require_reader(request.user)
    referral = queries.referral_for(request.user, pk)
    if not queries.records_at(request.user, referral):
        raise PermissionDenied
    return slip_response(request, referral)


@login_required
@require_POST
def link_revoke(request: AuthedRequest, pk: UUID) -> HttpResponse:
    _require_reader(request.user)
    referral = queries.referral_for(request.user, pk)
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
def metrics(request: AuthedRequest) -> HttpResponse:
    if not reads_referral_metrics(request.user):
        raise PermissionDenied
    month = request.GET.get("month", "")
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        month = ""
    context = {"metrics": queries.referral_metrics(request.user, month=month)}
    return render(request, "referrals/metrics.html", context)


# Sending
# =============================================================================================


def _origin(request: AuthedRequest) -> tuple[Person, Case | None, CaseAction | None, Visit | None]:
    """The person, and the case, case action or visit the referral comes from (404 if any is
    out of scope or not the person's)."""
    source = request.POST if request.method == "POST" else request.GET
    return queries.referral_origin(
        request.user,
        person=source.get("person") or request.GET.get("person") or "",  # "": not found
        case=source.get("case"),
        action=source.get("action"),
        visit=source.get("visit"),
    )


@login_required
def referral_new(request: AuthedRequest) -> HttpResponse:
    """Choose the service (by theme), urgency, reason and the data shared; preview; send."""
    if not can_record(request.user):
        raise PermissionDenied
    person, case, action, visit = _origin(request)
    site = queries.sending_site(request.user, person=person, case=case, visit=visit)
    if site is None:
        raise PermissionDenied
    access_log_read(request, person)
    origin = {"person": person, "case": case, "action": action, "visit": visit, "site": site}
    step = request.POST.get("step")
    if request.method != "POST":
        return _send_form(request, origin)
    if step == "filter":  # the services narrowed; what was typed and ticked stays
        return _send_form(request, origin, kept=_typed(request.POST))
    form = ReferralForm(request.POST, services=queries.services_for(request.user, site))
    if not form.is_valid() or step == "edit":
        status = 200 if form.is_valid() else 422
        return _send_form(request, origin, form, status=status)
    if step != "send":
        return _preview(request, origin, form)
    return _send(request, origin, form)


def _typed(data: QueryDict) -> dict:
    """What the referral form held when the services were filtered, as the form's initial."""
    kept: dict[str, Any] = {
        name: data.get(name, "") for name in ("urgency", "reason", "consent_override_reason")
    }
    kept["shared_fields"] = data.getlist("shared_fields")
    if data.get("service"):
        kept["service"] = data["service"]
    return {name: value for name, value in kept.items() if value}


def _send_form(
    request: AuthedRequest,
    origin: dict[str, Any],
    form: ReferralForm | None = None,
    status: int = 200,
    kept: dict[str, Any] | None = None,
) -> HttpResponse:
    """The referral form: the services of the filter (the site's area first), and the
    consent's state before anything is filled in."""
    source = request.POST if request.method == "POST" else request.GET
    filters = ServiceFilterForm(source, visit=origin["visit"])
    chosen = form["service"].value() if form is not None else (kept or {}).get("service")
    found = queries.services_for(
        request.user,
        origin["site"],
        themes=filters.themes(),
        q=filters.words(),
        keep=_uuid_or_none(chosen),
    )
    if form is None:
        initial = {"reason": origin["action"].what} if origin["action"] else {}
        form = ReferralForm(services=found, initial=initial | (kept or {}))
    else:
        model_choice_field(form.fields, "service").queryset = found
    may_share = person_may_be_shared(origin["person"])
    context = origin | {
        "form": form,
        "filters": filters,
        "may_share": may_share,
        "is_manager": manages_sites(request.user),
        "consent_url": None if may_share else _consent_url(request, origin),
    }
    return render(request, "referrals/new.html", context, status=status)


def _uuid_or_none(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _consent_url(request: AuthedRequest, origin: dict[str, Any]) -> str:
    """The person's consent page, which comes back to this form once consent is recorded."""
    back = (
        reverse("referrals:new")
        + "?"
        + urlencode(
            {
                name: origin[name].pk
                for name in ("person", "case", "action", "visit")
                if origin[name] is not None
            }
        )
    )
    url = reverse("people:consent", args=[origin["person"].pk])
    return f"{url}?{urlencode({'next': back})}"


def _preview(request: AuthedRequest, origin: dict[str, Any], form: ReferralForm) -> HttpResponse:
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


def _send(request: AuthedRequest, origin: dict[str, Any], form: ReferralForm) -> HttpResponse:
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

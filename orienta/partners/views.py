"""Partner CSO pages: the list, a CSO's page (profile, assessments and their radar chart, plan,
grants, applications), the profile, contact and document forms, the assessment form, the plan's
actions, the OCA tool, and the exports. Grants and applications are in `views_funding.py`."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.core.access import coordinates_country
from orienta.core.models import Organisation
from orienta.core.types import AuthedRequest
from orienta.lib.errors import Refused, refused_message
from orienta.partners import charts, exports, queries, services
from orienta.partners.access import (
    edits_oca_tools,
    edits_partner,
    edits_partners,
    reads_contacts,
    reads_partners,
    registers_partners,
)
from orienta.partners.forms import (
    ActionForm,
    ActionStatusForm,
    AssessmentForm,
    ContactForm,
    DocumentForm,
    ProfileForm,
    RegisterForm,
    ToolForm,
)
from orienta.partners.models import ActionStatus, Tool

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponseBase]


def require(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def editable(request: AuthedRequest, pk: UUID) -> Organisation:
    """The CSO (404 out of scope) that the user edits (403 otherwise)."""
    found = queries.cso_for(request.user, pk)
    services.check_editor(request.user, found)
    return found


def back(organisation: Organisation, anchor: str = "") -> HttpResponse:
    return redirect(reverse("partners:detail", args=[organisation.pk]) + anchor)


# The list
# =============================================================================================


@require(reads_partners)
def cso_list(request: AuthedRequest) -> HttpResponse:
    country = request.GET.get("country", "")[:2]
    text = request.GET.get("q", "").strip()
    listed = queries.cso_list(request.user, country=country, text=text)
    page = Paginator(listed, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    funds = queries.mobilised([o.pk for o in rows])
    context = {
        "page": page,
        "rows": [(o, funds.get(o.pk, [])) for o in rows],
        "q": text,
        "country": country,
        "can_register": registers_partners(request.user),
    }
    return render(request, "partners/list.html", context)


@require(registers_partners)
def register(request: AuthedRequest) -> HttpResponse:
    country = request.user.country if coordinates_country(request.user) else None
    form = RegisterForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        data = {"country": country} | form.cleaned_data
        try:
            made = services.cso_register(by=request.user, **data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("partners:edit", made.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "title": _("Register a partner CSO")}
    return render(request, "partners/form.html", context, status=status)


# A CSO
# =============================================================================================


def _radar(history: queries.History) -> Any:
    series = [
        (a.assessed_on.strftime("%Y-%m-%d"), [row.averages[n] for row in history.rows])
        for n, a in enumerate(history.assessed)
    ]
    return charts.radar_svg(
        len(history.rows), series, title=_("Average score per area, per assessment")
    )


@require(reads_partners)
def detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.cso_for(request.user, pk)
    history = queries.history(found)
    can_edit = edits_partner(request.user, found)
    shows_contacts = reads_contacts(request.user, found)
    applications = queries.applications(found)
    context: dict[str, Any] = {
        "cso": found,
        "profile": services.profile_of(found),
        "sites": found.sites.filter(deleted_at__isnull=True).order_by("code"),
        "shows_contacts": shows_contacts,
        "contacts": queries.contacts(found) if shows_contacts else [],
        "documents": queries.documents(found),
        "history": history,
        "radar": _radar(history),
        "series": [
            (a, charts.colour(n, len(history.assessed))) for n, a in enumerate(history.assessed)
        ],
        "actions": queries.plan(found),
        "grants": queries.grant_list(found),
        "applications": applications,
        "totals": queries.application_totals(applications),
        "can_edit": can_edit,
        "statuses": ActionStatus.choices,
        "tool": services.current_tool(),
    }
    if can_edit:
        context |= {
            "contact_form": ContactForm(),
            "document_form": DocumentForm(),
            "action_form": ActionForm(areas=services.plan_areas(found)),
        }
    return render(request, "partners/detail.html", context)


@require(edits_partners)
def edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    profile = services.profile_of(found)
    initial = {
        "name": found.name,
        "address": found.address,
        "phone": found.phone,
        "email": found.email,
        "version": profile.version,
        "areas": list(profile.areas.all()),
    } | {
        name: getattr(profile, name)
        for name in (
            "legal_status",
            "registration_number",
            "registered_on",
            "year_founded",
            "staff",
            "volunteers",
            "annual_budget",
            "budget_currency",
            "mission",
        )
    }
    form = ProfileForm(request.POST or None, initial=initial, country=found.country)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["areas"] = list(data["areas"])
        try:
            services.profile_save(
                organisation=found,
                data=services.ProfileData(**data),
                by=request.user,
                version=version,
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The profile is saved."))
            return back(found)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "cso": found, "title": _("Profile of the organisation")}
    return render(request, "partners/form.html", context, status=status)


@require(edits_partners)
@require_POST
def contact_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the contact: a name is needed, and a valid email."))
        return back(found, "#contacts")
    try:
        services.contact_add(organisation=found, by=request.user, **form.cleaned_data)
    except Refused as exc:
        refused_message(request, exc)
    return back(found, "#contacts")


@require(edits_partners)
@require_POST
def contact_remove(request: AuthedRequest, pk: UUID) -> HttpResponse:
    contact = queries.contact_for(request.user, pk)
    services.contact_remove(contact=contact, by=request.user)
    return back(contact.organisation, "#contacts")


@require(edits_partners)
@require_POST
def document_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the document: a title, a kind and a file are needed."))
        return back(found, "#documents")
    try:
        services.document_add(
            organisation=found,
            by=request.user,
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
            dated_on=form.cleaned_data["dated_on"],
            upload=form.cleaned_data["file"],
        )
    except Refused as exc:
        refused_message(request, exc)
    return back(found, "#documents")


@require(reads_partners)
def document(request: AuthedRequest, pk: UUID) -> FileResponse:
    """A document of the CSO's file, to those who may see the CSO, always as a download."""
    found = queries.document_for(request.user, pk)
    if not found.file:
        raise Http404
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.file_name or "document"
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Assessments
# =============================================================================================


@require(edits_partners)
def assess(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    tool = services.current_tool()
    if tool is None:
        messages.error(request, _("No assessment tool is set yet."))
        return back(found)
    form = AssessmentForm(
        request.POST or None,
        definition=tool.parsed(),
        initial={"assessed_on": services.org_today(found)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                organisation=found,
                tool=tool,
                scores=form.scores(),
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                facilitator=form.cleaned_data["facilitator"],
                participants=form.cleaned_data["participants"],
                notes=form.cleaned_data["notes"],
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The assessment is saved."))
            return back(found, "#capacity")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "cso": found, "tool": tool}
    return render(request, "partners/assess.html", context, status=status)


@require(reads_partners)
def assessment(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """One assessment: each area's average and stage, each statement's score, justification,
    evidence and the participants' own scores; read with the tool version it was made with."""
    found = queries.assessment_for(request.user, pk)
    definition = found.tool.parsed()
    areas = []
    for area in definition.areas:
        result = found.areas.get(area.code, {})
        stage = definition.stage(result.get("stage", ""))
        statements = [(s, found.scores.get(s.code, {})) for s in area.statements]
        areas.append((area, result.get("average", ""), stage.name if stage else "", statements))
    context = {"assessment": found, "cso": found.organisation, "areas": areas}
    return render(request, "partners/assessment.html", context)


# The capacity-development plan
# =============================================================================================


@require(edits_partners)
@require_POST
def action_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    form = ActionForm(request.POST, areas=services.plan_areas(found))
    if not form.is_valid():
        messages.error(request, _("Check the action: every field is needed."))
        return back(found, "#plan")
    latest = queries.history(found, limit=1).assessed
    try:
        services.action_add(
            organisation=found,
            by=request.user,
            assessment=latest[0] if latest else None,
            **form.cleaned_data,
        )
    except Refused as exc:
        refused_message(request, exc)
    return back(found, "#plan")


@require(edits_partners)
@require_POST
def action_status(request: AuthedRequest, pk: UUID) -> HttpResponse:
    action = queries.action_for(request.user, pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_set_status(
                action=action, status=form.cleaned_data["status"], by=request.user
            )
        except Refused as exc:
            refused_message(request, exc)
    else:
        messages.error(request, _("Choose a status of the list."))
    return back(action.organisation, "#plan")


# The OCA tool
# =============================================================================================


@require(reads_partners)
def tool(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """A version of the tool: its areas, statements and stages; M&E saves a change as a new
    version."""
    found = queries.tool_for(request.user, pk)
    form = None
    if edits_oca_tools(request.user) and found.retired_at is None:
        initial = {
            "name": found.name,
            "definition": json.dumps(found.definition, indent=1, ensure_ascii=False),
        }
        form = ToolForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.tool_revise(tool=found, by=request.user, **form.cleaned_data)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Version %(n)s is saved.") % {"n": new.revision})
                return redirect("partners:tool", new.pk)
    elif request.method == "POST":
        raise PermissionDenied
    status = 422 if request.method == "POST" else 200
    context = {
        "tool": found,
        "definition": found.parsed(),
        "form": form,
        "versions": Tool.objects.filter(code=found.code).order_by("-revision"),
    }
    return render(request, "partners/tool.html", context, status=status)


@require(reads_partners)
def current_tool(request: AuthedRequest) -> HttpResponse:
    found = services.current_tool()
    if found is None:
        raise Http404
    return redirect("partners:tool", found.pk)


# Exports
# =============================================================================================


@require(reads_partners)
def export(request: AuthedRequest, kind: str) -> HttpResponse:
    """The CSOs, assessments or grants in the user's scope as XLSX."""
    writer = exports.WRITERS.get(kind)
    if writer is None:
        raise Http404
    response = HttpResponse(writer(request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="partners-{kind}.xlsx"'
    return response

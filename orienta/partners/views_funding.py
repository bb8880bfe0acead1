"""Partner CSO pages for funding: sub-grants (their tranches and reports) and the funding
applications."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.core.types import AuthedRequest
from orienta.lib.errors import Refused, refused_message
from orienta.partners import queries, services
from orienta.partners.access import edits_partner, edits_partners, reads_partners
from orienta.partners.forms import ApplicationForm, GrantForm, ReportForm, TrancheForm
from orienta.partners.models import Application, Grant
from orienta.partners.views import back, editable, require


def _to_grant(grant: Grant, anchor: str = "") -> HttpResponse:
    return redirect(reverse("partners:grant", args=[grant.pk]) + anchor)


@require(edits_partners)
def grant_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    form = GrantForm(request.POST or None, initial={"currency": found.country.currency})
    if request.method == "POST" and form.is_valid():
        try:
            made = services.grant_create(organisation=found, by=request.user, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return _to_grant(made)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "cso": found, "title": _("New sub-grant")}
    return render(request, "partners/form.html", context, status=status)


@require(reads_partners)
def grant(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.grant_for(request.user, pk)
    tranches = list(found.tranches.filter(deleted_at__isnull=True))
    context: dict[str, Any] = {
        "grant": found,
        "cso": found.organisation,
        "tranches": tranches,
        "planned": sum((t.amount for t in tranches), 0),
        "released": sum((t.amount for t in tranches if t.released_on), 0),
        "reports": list(found.reports.filter(deleted_at__isnull=True)),
        "can_edit": edits_partner(request.user, found.organisation),
        "today": services.org_today(found.organisation),
    }
    if context["can_edit"]:
        context |= {"tranche_form": TrancheForm(), "report_form": ReportForm()}
    return render(request, "partners/grant.html", context)


@require(edits_partners)
@require_POST
def tranche_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.grant_for(request.user, pk)
    form = TrancheForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the tranche: an amount and a date are needed."))
        return _to_grant(found, "#tranches")
    try:
        services.tranche_add(grant=found, by=request.user, **form.cleaned_data)
    except Refused as exc:
        refused_message(request, exc)
    return _to_grant(found, "#tranches")


@require(edits_partners)
@require_POST
def tranche_release(request: AuthedRequest, pk: UUID) -> HttpResponse:
    tranche = queries.tranche_for(request.user, pk)
    try:
        services.tranche_release(tranche=tranche, by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    return _to_grant(tranche.grant, "#tranches")


@require(edits_partners)
@require_POST
def report_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = queries.grant_for(request.user, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the report: a kind and a due date are needed."))
        return _to_grant(found, "#reports")
    try:
        services.report_add(grant=found, by=request.user, **form.cleaned_data)
    except Refused as exc:
        refused_message(request, exc)
    return _to_grant(found, "#reports")


@require(edits_partners)
@require_POST
def report_received(request: AuthedRequest, pk: UUID) -> HttpResponse:
    report = queries.report_for(request.user, pk)
    try:
        services.report_receive(report=report, by=request.user)
    except Refused as exc:
        refused_message(request, exc)
    return _to_grant(report.grant, "#reports")


# Funding applications
# =============================================================================================


def _data(form: ApplicationForm) -> services.ApplicationData:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return services.ApplicationData(**data)


@require(edits_partners)
def application_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = editable(request, pk)
    form = ApplicationForm(request.POST or None, initial={"currency": found.country.currency})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_create(organisation=found, data=_data(form), by=request.user)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return back(found, "#applications")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "cso": found, "title": _("New funding application")}
    return render(request, "partners/form.html", context, status=status)


@require(edits_partners)
def application_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found: Application = queries.application_for(request.user, pk)
    services.check_editor(request.user, found.organisation)
    fields = ApplicationForm.base_fields
    initial = {name: getattr(found, name) for name in fields if name != "version"}
    initial["version"] = found.version
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application=found,
                data=_data(form),
                by=request.user,
                version=form.cleaned_data["version"],
            )
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return back(found.organisation, "#applications")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "cso": found.organisation, "title": _("Funding application")}
    return render(request, "partners/form.html", context, status=status)

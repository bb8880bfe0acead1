"""Family pages: the site's priority list, a household's assessments, plan and progress, the
assessment form, enrolment, goals, linked actions, exit; the instruments; the export."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orienta.accounts.reauth import require_recent_auth
from orienta.audit.exports import export_create
from orienta.audit.services import access_log_export, access_log_read, access_log_search
from orienta.cases.models import FollowUp
from orienta.cases.queries import initials, masked_person_ids, site_today
from orienta.core.types import AuthedRequest
from orienta.families import exports, queries, services
from orienta.families.access import (
    edits_instruments,
    exports_assessments,
    exports_names,
    reads_instruments,
    works_on_families,
)
from orienta.families.forms import (
    AssessmentForm,
    EnrolForm,
    ExitForm,
    ExportForm,
    GoalForm,
    GoalStatusForm,
    InstrumentForm,
    LinkForm,
    NewInstrumentForm,
)
from orienta.families.models import Category, GoalStatus, Instrument, Level
from orienta.fund.models import FundRequest
from orienta.lib.errors import refused_message
from orienta.people.models import Household, Person
from orienta.referrals.models import Referral

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponse]


def _require(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _household(request: AuthedRequest, pk: UUID) -> Household:
    household = queries.household_for(request.user, pk)
    head = queries.heads([household.pk]).get(household.pk)
    if head is not None:
        access_log_read(request, head, object_type="household", object_id=household.pk)
    return household


def _label(user: Any, people: list[Person | None]) -> dict[UUID, str]:
    """Each person's name, or initials for a person the user may not see named."""
    masked = masked_person_ids(user, [p.pk for p in people if p])
    return {p.pk: initials(p) if p.pk in masked else p.full_name for p in people if p}


# The priority list
# =============================================================================================


@_require(works_on_families)
def priority(request: AuthedRequest) -> HttpResponse:
    """The households of one site, the most vulnerable first, with the reassessments due."""
    sites = list(queries.family_sites(request.user).select_related("country"))
    site = next(
        (s for s in sites if s.code == request.GET.get("site")), sites[0] if sites else None
    )
    if site is None:
        raise PermissionDenied
    filters = tuple(f for f in queries.FILTERS if request.GET.get(f))
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    listed = queries.priority_list(request.user, site, filters=filters, category=category)
    page = Paginator(listed, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    head_of = queries.heads([h.pk for h in rows])
    names = _label(request.user, list(head_of.values()))
    labelled = [(h, names.get(head_of[h.pk].pk, "") if h.pk in head_of else "") for h in rows]
    today = site_today(site)
    due = list(queries.due_reassessments(request.user, [site], today)[:10])
    access_log_search(
        request,
        query={"site": site.code, "filters": ",".join(filters), "category": category},
        results=page.paginator.count,
        object_type="household",
    )
    query = "&".join([f"site={site.code}", *(f"{f}=1" for f in filters)])
    if category:
        query += f"&category={category}"
    return render(
        request,
        "families/priority.html",
        {
            "site": site,
            "sites": sites,
            "page": page,
            "rows": labelled,
            "filters": filters,
            "filter_labels": FILTER_LABELS,
            "category": category,
            "categories": Category.choices,
            "due": due,
            "today": today,
            "query": query,
        },
    )


FILTER_LABELS = {
    "female_head_alone": gettext_lazy("Woman heading the household alone"),
    "children_under_5": gettext_lazy("Children under 5"),
    "disability": gettext_lazy("A member with a disability"),
    "displaced": gettext_lazy("Displaced or refugee"),
}


# A household
# =============================================================================================


@_require(works_on_families)
def household(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = _household(request, pk)
    assessed, rows = queries.history(found)
    enrolment = queries.active_enrolment(found)
    members = list(found.current_members())
    names = _label(request.user, [m.person for m in members])
    context: dict[str, Any] = {
        "household": found,
        "members": [(m, names.get(m.person_id, "")) for m in members],
        "assessed": assessed,
        "latest": assessed[-1] if assessed else None,
        "rows": rows,
        "enrolment": enrolment,
        "past": queries.past_enrolments(found),
        "instruments": list(queries.current_instruments(found.site)),
        "levels": Level.choices,
        "today": site_today(found.site),
    }
    if (latest := context["latest"]) is not None:
        context["answers"] = queries.answered(latest)
        if latest.respondent is not None:
            context["respondent"] = _label(request.user, [latest.respondent])[latest.respondent.pk]
    if enrolment is not None:
        goals, actions = queries.plan(enrolment)
        dims = services.plan_dimensions(enrolment)
        names_of = {d.code: d.name for d in dims}
        for goal in goals:
            goal.dimension_name = names_of.get(goal.dimension, goal.dimension)  # type: ignore[attr-defined]
        context |= {
            "goals": goals,
            "actions": actions,
            "goal_form": GoalForm(dimensions=dims),
            "link_form": _link_form(request, found, enrolment),
            "exit_form": ExitForm(),
            "goal_statuses": GoalStatus.choices,
        }
    return render(request, "families/household.html", context)


def _link_choices(request: AuthedRequest, household: Household) -> dict[str, Any]:
    found = queries.linkable(request.user, household)
    records: dict[str, Any] = {}
    for kind, items in found.items():
        for item in items:
            records[f"{kind}:{item.pk}"] = item
    return records


def _record_label(key: str, record: Any) -> str:
    if isinstance(record, Referral):
        return _("Referral %(code)s, %(service)s") % {
            "code": record.code,
            "service": record.service.name,
        }
    if isinstance(record, FundRequest):
        return _("Fund request %(code)s") % {"code": record.code}
    assert isinstance(record, FollowUp)
    when = record.done_at.date() if record.done_at else record.due_on
    return _("Follow-up of case %(code)s, %(date)s") % {"code": record.case.code, "date": when}


def _link_form(
    request: AuthedRequest, household: Household, enrolment: Any, data: Any = None
) -> LinkForm:
    records = _link_choices(request, household)
    form = LinkForm(
        data,
        choices=[(key, _record_label(key, r)) for key, r in records.items()],
        goals=enrolment.goals.filter(deleted_at__isnull=True),
    )
    form.records = records  # type: ignore[attr-defined]
    return form


def _back(household: Household, anchor: str = "") -> HttpResponse:
    return redirect(reverse("families:household", args=[household.pk]) + anchor)


@_require(works_on_families)
def assess(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The assessment form: one question per indicator, then who answered, the date, notes."""
    found = _household(request, pk)
    services.check_writer(request.user, found.site)
    instruments = list(queries.current_instruments(found.site))
    if not instruments:
        messages.error(request, _("No assessment instrument is set for this country yet."))
        return _back(found)
    chosen = request.POST.get("instrument") or request.GET.get("instrument")
    instrument = next((i for i in instruments if str(i.pk) == chosen), instruments[0])
    members = Person.objects.filter(
        memberships__household=found, memberships__left_on__isnull=True
    ).order_by("given_name")
    form = AssessmentForm(
        request.POST or None,
        definition=instrument.parsed(),
        members=members,
        initial={"assessed_on": site_today(found.site)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(
                household=found,
                instrument=instrument,
                answers=form.answers(),
                by=request.user,
                assessed_on=form.cleaned_data["assessed_on"],
                respondent=form.cleaned_data["respondent"],
                notes=form.cleaned_data["notes"],
            )
        except services.FamilyRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The assessment is saved."))
            return _back(found)
    status = 422 if request.method == "POST" else 200
    context = {
        "household": found,
        "form": form,
        "instrument": instrument,
        "instruments": instruments,
    }
    return render(request, "families/assess.html", context, status=status)


@_require(works_on_families)
def enrol(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found = _household(request, pk)
    services.check_writer(request.user, found.site)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_open(household=found, by=request.user, **form.cleaned_data)
        except services.FamilyRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The family is accompanied from today."))
            return _back(found, "#plan")
    status = 422 if request.method == "POST" else 200
    title = _("Accompany this family")
    context = {"household": found, "form": form, "title": title, "submit": _("Enrol")}
    return render(request, "families/simple_form.html", context, status=status)


def _enrolment(request: AuthedRequest, pk: UUID) -> tuple[Household, Any]:
    found = _household(request, pk)
    services.check_writer(request.user, found.site)
    enrolment = queries.active_enrolment(found)
    return found, enrolment


@require_POST
@_require(works_on_families)
def goal_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found, enrolment = _enrolment(request, pk)
    if enrolment is None:
        messages.error(request, _("The family is not accompanied."))
        return _back(found)
    form = GoalForm(request.POST, dimensions=services.plan_dimensions(enrolment))
    if not form.is_valid():
        messages.error(request, _("Choose a dimension and write the goal."))
        return _back(found, "#plan")
    try:
        services.goal_add(enrolment=enrolment, by=request.user, **form.cleaned_data)
    except services.FamilyRefused as exc:
        refused_message(request, exc)
    return _back(found, "#plan")


@require_POST
@_require(works_on_families)
def goal_status(request: AuthedRequest, pk: UUID) -> HttpResponse:
    goal = queries.goal_for(request.user, pk)
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        try:
            services.goal_set_status(goal=goal, status=form.cleaned_data["status"], by=request.user)
        except services.FamilyRefused as exc:
            refused_message(request, exc)
    else:
        messages.error(request, _("Choose a status of the list."))
    return _back(goal.enrolment.household, "#plan")


@require_POST
@_require(works_on_families)
def link_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found, enrolment = _enrolment(request, pk)
    if enrolment is None:
        messages.error(request, _("The family is not accompanied."))
        return _back(found)
    form = _link_form(request, found, enrolment, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a referral, a fund request or a follow-up of the list."))
        return _back(found, "#plan")
    record = form.records[form.cleaned_data["record"]]  # type: ignore[attr-defined]
    try:
        services.plan_action_link(
            enrolment=enrolment, record=record, goal=form.cleaned_data["goal"], by=request.user
        )
    except services.FamilyRefused as exc:
        refused_message(request, exc)
    return _back(found, "#plan")


@_require(works_on_families)
def exit_(request: AuthedRequest, pk: UUID) -> HttpResponse:
    found, enrolment = _enrolment(request, pk)
    if enrolment is None:
        messages.error(request, _("The family is not accompanied."))
        return _back(found)
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_exit(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except services.FamilyRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The accompaniment has ended."))
            return _back(found)
    status = 422 if request.method == "POST" else 200
    title = _("End the accompaniment")
    context = {"household": found, "form": form, "title": title, "submit": _("End"), "danger": True}
    return render(request, "families/simple_form.html", context, status=status)


# Instruments
# =============================================================================================


@_require(reads_instruments)
def instruments(request: AuthedRequest) -> HttpResponse:
    found = queries.instruments(request.user).order_by("country__code", "code", "-revision")[:200]
    return render(
        request,
        "families/instruments.html",
        {"instruments": found, "can_edit": edits_instruments(request.user)},
    )


@_require(edits_instruments)
def instrument_new(request: AuthedRequest) -> HttpResponse:
    form = NewInstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.instrument_create(by=request.user, **form.cleaned_data)
        except services.FamilyRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("families:instrument", made.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "families/instrument_form.html", {"form": form}, status=status)


@_require(reads_instruments)
def instrument(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """An instrument version: its questions; an editor saves a change as a new version."""
    found = queries.instrument_for(request.user, pk)
    form = None
    if edits_instruments(request.user) and found.retired_at is None:
        initial = {
            "name": found.name,
            "definition": json.dumps(found.definition, indent=1, ensure_ascii=False),
        }
        form = InstrumentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                new = services.instrument_revise(
                    instrument=found, by=request.user, **form.cleaned_data
                )
            except services.FamilyRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Version %(n)s is saved.") % {"n": new.revision})
                return redirect("families:instrument", new.pk)
    elif request.method == "POST":
        raise PermissionDenied
    versions = Instrument.objects.filter(country=found.country, code=found.code).order_by(
        "-revision"
    )
    status = 422 if request.method == "POST" else 200
    context = {
        "instrument": found,
        "definition": found.parsed(),
        "form": form,
        "versions": versions,
    }
    return render(request, "families/instrument.html", context, status=status)


# Export
# =============================================================================================


@_require(exports_assessments)
def export(request: AuthedRequest) -> HttpResponse:
    return _export(request)


@require_recent_auth(minutes=15)
def _export(request: AuthedRequest) -> HttpResponse:
    """The assessments in the exporter's scope as XLSX, with a reason, logged; names only for
    a site manager."""
    form = ExportForm(request.POST or None)
    names = exports_names(request.user)
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return render(
            request, "families/export.html", {"form": form, "names": names}, status=status
        )
    reason = form.cleaned_data["reason"]
    rows = list(exports.exportable(request.user)[: exports.MAX_ROWS])
    if names:  # the heads' names leave the system: each is an export of that person's data
        for head in queries.heads(list({a.household_id for a in rows})).values():
            access_log_export(request, head, reason=reason)
    made = export_create(
        by=request.user,
        reason=reason,
        filename="assessments.xlsx",
        content_type=XLSX,
        data=exports.assessments_xlsx(rows, names=names),
        request=request,
    )
    return redirect(made)

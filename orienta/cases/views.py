"""Case pages: open, read, edit, plan, follow up, close, reopen, reassign; the worklist."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_read, access_log_record, access_log_search
from orienta.cases import queries, services
from orienta.cases.forms import (
    ActionForm,
    ActionStatusForm,
    BreakGlassForm,
    CaseForm,
    CloseForm,
    FollowUpForm,
    PlanFollowUpForm,
    ReasonForm,
    ReassignForm,
    SiteSettingsForm,
)
from orienta.cases.models import Case, Status
from orienta.core import page_panels as panels
from orienta.core.access import can_read_persons, can_record, manages_sites
from orienta.core.models import Site, User
from orienta.core.queries import site_for
from orienta.core.scoping import records_at_site, writable_site_list, writable_sites
from orienta.core.services import StaleEdit
from orienta.core.types import AuthedRequest
from orienta.frontdesk.models import Visit
from orienta.frontdesk.queries import visit_for
from orienta.lib.errors import OutOfScope, refused_message
from orienta.people.models import Person
from orienta.people.queries import current_membership, person_for


def case_or_refused(request: AuthedRequest, pk: UUID) -> Case:
    """The case if the caller may see it, else OutOfScope (a 404 the audit middleware logs)."""
    return queries.case_for(getattr(request, "auth", None) or request.user, pk)


def _reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_read_persons(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _recorder(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_record(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _writable_case(request: AuthedRequest, pk: UUID) -> Case:
    """The case, if the user may change it: 404 if they may not see it, 403 if they may only
    read it (another site of their scope, or a sensitive case opened by breaking the glass)."""
    case = case_or_refused(request, pk)
    if not services.can_change(request.user, case):
        raise PermissionDenied
    access_log_read(request, case.person, object_type="case", object_id=case.pk)
    return case


def _stale_message(request: AuthedRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else saved this case while you were editing. Your changes were not "
            "saved; here is the latest version."
        ),
    )


def _version(request: AuthedRequest) -> int:
    """The version the form was opened at; a form without one is stale."""
    try:
        return int(request.POST.get("version", ""))
    except (TypeError, ValueError):
        return -1


def _version_if_given(request: AuthedRequest) -> int | None:
    """For a transition, the version the page showed, when the client sent one."""
    return _version(request) if "version" in request.POST else None


# The worklist and lists
# =============================================================================================


def _worklist_scope(
    request: AuthedRequest,
) -> tuple[list[Site], QuerySet[User] | None, User | None]:
    """The sites of the worklist, the agents a manager may choose from, and the one chosen."""
    sites = writable_site_list(request.user)
    agents = None
    if manages_sites(request.user):  # named in the menu, and the one chosen filters the lists
        agents = queries.site_agents(sites).only(*queries.USER_NAME)
    agent = None
    if agents is not None and request.GET.get("agent"):
        agent = agents.filter(pk=_uuid_or_none(request.GET["agent"]) or "0" * 32).first()
    return sites, agents, agent


@_recorder
def worklist(request: AuthedRequest) -> HttpResponse:
    """The first page of site staff: what is due, overdue, and who was not contacted."""
    sites, agents, agent = _worklist_scope(request)
    work = queries.worklist(request.user, sites, agent=agent)
    access_log_search(
        request,
        query=f"worklist agent={agent.username if agent else ''}",
        results=sum(s.count for s in work.sections),
        object_type="case",
    )
    context = {
        "work": work,
        "sites": sites,
        "agents": agents,
        "agent": agent,
        "panels": panels.render("worklist_panel", request, sites),
    }
    return render(request, "cases/worklist.html", context)


@_recorder
def worklist_section(request: AuthedRequest, section: str) -> HttpResponse:
    """One section of the worklist in full, a page at a time."""
    if section not in queries.SECTIONS:
        raise OutOfScope()
    sites, _agents, agent = _worklist_scope(request)
    found = queries.worklist_sections(request.user, sites, agent=agent)[section]
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    access_log_search(
        request,
        query=f"worklist {section} agent={agent.username if agent else ''}",
        results=page.paginator.count,
        object_type="case",
    )
    context = {"section": section, "page": page, "agent": agent, "sites": sites}
    return render(request, "cases/worklist_section.html", context)


def _uuid_or_none(value: object) -> UUID | None:
    from uuid import UUID

    try:
        return UUID(str(value))
    except ValueError:
        return None


@_reader
def case_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "active")
    found = queries.case_list(request.user, status=status, q=q)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    access_log_search(
        request, query=f"q={q} status={status}", results=page.paginator.count, object_type="case"
    )
    context = {"page": page, "q": q, "status": status, "statuses": Status.choices}
    return render(request, "cases/list.html", context)


# Opening and editing
# =============================================================================================


def _opening(request: AuthedRequest) -> tuple[Person, Visit | None]:
    """The person (and visit) a new case is for, from ?visit= or ?person=."""
    visit_id = request.GET.get("visit")
    if visit_id:
        visit = visit_for(request.user, _uuid_or_none(visit_id) or "0" * 32)
        if visit.person is None:
            raise OutOfScope("visit", visit.pk)
        return person_for(request.user, visit.person.pk), visit
    person_id = _uuid_or_none(request.GET.get("person", ""))
    if person_id is None:
        raise OutOfScope("person")
    return person_for(request.user, person_id), None


def _opening_site(user: User, person: Person, visit: Visit | None) -> Site | None:
    sites = writable_sites(user)
    if visit is not None and sites.filter(pk=visit.site_id).exists():
        return visit.site
    return sites.filter(pk=person.site_id).first() or sites.first()


@_recorder
def case_new(request: AuthedRequest) -> HttpResponse:
    person, visit = _opening(request)
    access_log_read(request, person)
    initial: dict[str, Any] = {"risk": "low"}
    if visit is not None:
        initial["needs"] = list(visit.themes.all())
    form = CaseForm(request.POST or None, initial=initial)
    membership = current_membership(person)
    context = {"form": form, "person": person, "visit": visit, "membership": membership}
    if request.method != "POST":
        return render(request, "cases/form.html", context)
    if not form.is_valid():
        return render(request, "cases/form.html", context, status=422)
    data = form.cleaned_data
    case = services.case_open(
        person=person,
        by=request.user,
        site=_opening_site(request.user, person, visit),
        needs=data["needs"],
        risk=data["risk"],
        assessment=data["assessment"],
        sensitive=data["sensitive"],
        household=membership.household if membership and request.POST.get("household") else None,
        visit=visit,
    )
    messages.success(request, _("Case %(code)s is open.") % {"code": case.code})
    return redirect("cases:detail", pk=case.pk)


@_recorder
def case_edit(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)
    form = CaseForm(request.POST or None, instance=case, initial={"needs": case.needs.all()})
    context = {"form": form, "case": case, "person": case.person, "version": case.version}
    if request.method != "POST":
        return render(request, "cases/form.html", context)
    if not form.is_valid():
        context["version"] = _version(request)
        return render(request, "cases/form.html", context, status=422)
    try:
        services.case_update(
            case=case, by=request.user, data=form.cleaned_data, expected_version=_version(request)
        )
    except StaleEdit:
        _stale_message(request)
        fresh = queries.case_for(request.user, pk)
        context.update(case=fresh, version=fresh.version, form=CaseForm(instance=fresh))
        return render(request, "cases/form.html", context, status=409)
    except services.CaseRefused as refused:
        refused_message(request, refused)
        return render(request, "cases/form.html", context, status=409)
    messages.success(request, _("The changes are saved."))
    return redirect("cases:detail", pk=case.pk)


# The case page
# =============================================================================================


def _agents_of(case: Case) -> QuerySet[User]:
    return queries.site_agents([case.site])


def render_case(
    request: AuthedRequest, case: Case, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    can_write = services.can_change(user, case)
    context = {
        "case": case,
        "timeline": queries.case_timeline(case),
        "actions": queries.case_actions(case),
        "followups": queries.case_followups(case),
        "grant": queries.active_grant(user, case) if case.sensitive else None,
        "can_write": can_write and not case.is_closed,
        "can_reopen": can_write and case.is_closed and not case.anonymised_at,
        "is_manager": can_write and manages_sites(user),
        "action_form": forms.get("action_form")
        or ActionForm(agents=_agents_of(case), initial={"assignee": None}),
        "followup_form": forms.get("followup_form") or FollowUpForm(initial={"kind": "office"}),
        "plan_form": forms.get("plan_form") or PlanFollowUpForm(initial={"kind": "phone"}),
        # Other apps add sections (the case's referrals, fund requests) with `case_panel`.
        "panels": panels.render("case_panel", request, case),
    }
    return render(request, "cases/detail.html", context, status=status)


@_reader
def case_detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = case_or_refused(request, pk)
    access_log_read(request, case.person, object_type="case", object_id=case.pk)
    return render_case(request, case)


def _refused_or_stale(
    request: AuthedRequest, case: Case, exc: services.CaseRefused | StaleEdit
) -> None:
    if isinstance(exc, StaleEdit):
        _stale_message(request)
    else:
        refused_message(request, exc)


@_recorder
@require_POST
def action_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)
    form = ActionForm(request.POST, agents=_agents_of(case), today=queries.site_today(case.site))
    if not form.is_valid():
        return render_case(request, case, status=422, action_form=form)
    try:
        services.case_action_add(case=case, by=request.user, **form.cleaned_data)
    except services.CaseRefused as exc:
        refused_message(request, exc)
        return render_case(request, queries.case_for(request.user, pk), status=409)
    messages.success(request, _("The action is planned."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#actions")


@_recorder
@require_POST
def action_status(request: AuthedRequest, pk: UUID) -> HttpResponse:
    action = queries.action_for(request.user, pk)
    case = _writable_case(request, action.case_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, status=422)
    try:
        services.case_action_update(
            action=action,
            by=request.user,
            data={"status": form.cleaned_data["status"]},
            expected_version=_version_if_given(request),
        )
    except (services.CaseRefused, StaleEdit) as exc:
        _refused_or_stale(request, case, exc)
        return render_case(request, queries.case_for(request.user, case.pk), status=409)
    return redirect(reverse("cases:detail", args=[case.pk]) + "#actions")


@_recorder
@require_POST
def followup_add(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, status=422, followup_form=form)
    planned = None
    if request.POST.get("planned"):
        planned = queries.followup_for(
            request.user, _uuid_or_none(request.POST["planned"]) or "0" * 32
        )
    try:
        services.case_followup_record(
            case=case, by=request.user, planned=planned, **form.cleaned_data
        )
    except services.CaseRefused as exc:
        refused_message(request, exc)
        return render_case(request, queries.case_for(request.user, pk), status=409)
    messages.success(request, _("The contact is recorded."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#followups")


@_recorder
@require_POST
def followup_plan(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)
    form = PlanFollowUpForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, status=422, plan_form=form)
    try:
        services.case_followup_plan(case=case, by=request.user, **form.cleaned_data)
    except services.CaseRefused as exc:
        refused_message(request, exc)
        return render_case(request, queries.case_for(request.user, pk), status=409)
    messages.success(request, _("The contact is planned."))
    return redirect(reverse("cases:detail", args=[case.pk]) + "#followups")


@_recorder
@require_POST
def followup_cancel(request: AuthedRequest, pk: UUID) -> HttpResponse:
    followup = queries.followup_for(request.user, pk)
    case = _writable_case(request, followup.case_id)
    try:
        services.case_followup_cancel(followup=followup, by=request.user)
    except services.CaseRefused as exc:
        refused_message(request, exc)
        return render_case(request, case, status=409)
    return redirect(reverse("cases:detail", args=[case.pk]) + "#followups")


# Status, reassignment
# =============================================================================================


def _simple(
    request: AuthedRequest,
    case: Case,
    form: Form,
    *,
    title: str,
    submit: str,
    status: int = 200,
    danger: bool = False,
) -> HttpResponse:
    context = {"case": case, "form": form, "title": title, "submit": submit, "danger": danger}
    return render(request, "cases/simple_form.html", context, status=status)


def _transition(
    request: AuthedRequest,
    case: Case,
    form: Form,
    call: Callable[[dict[str, Any]], object],
    *,
    title: str,
    submit: str,
    danger: bool = False,
) -> HttpResponse:
    """The form of a transition; on POST, the service call, or the form again with why not."""
    if request.method != "POST":
        return _simple(request, case, form, title=title, submit=submit, danger=danger)
    if not form.is_valid():
        return _simple(request, case, form, title=title, submit=submit, status=422, danger=danger)
    try:
        call(form.cleaned_data)
    except (services.CaseRefused, StaleEdit) as exc:
        _refused_or_stale(request, case, exc)
        fresh = queries.case_for(request.user, case.pk)
        return _simple(request, fresh, form, title=title, submit=submit, status=409, danger=danger)
    return redirect("cases:detail", pk=case.pk)


@_recorder
def case_close(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)

    def call(data: dict[str, Any]) -> None:
        services.case_close(
            case=case,
            by=request.user,
            reason=data["reason"],
            note=data["note"],
            expected_version=_version_if_given(request),
        )
        messages.success(request, _("The case is closed."))

    return _transition(
        request,
        case,
        CloseForm(request.POST or None),
        call,
        title=_("Close the case"),
        submit=_("Close the case"),
        danger=True,
    )


@_recorder
def case_reopen(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)

    def call(data: dict[str, Any]) -> None:
        services.case_reopen(
            case=case,
            by=request.user,
            reason=data["reason"],
            expected_version=_version_if_given(request),
        )
        messages.success(request, _("The case is reopened."))

    return _transition(
        request,
        case,
        ReasonForm(request.POST or None),
        call,
        title=_("Reopen the case"),
        submit=_("Reopen"),
    )


@_recorder
@require_POST
def case_start(request: AuthedRequest, pk: UUID) -> HttpResponse:
    case = _writable_case(request, pk)
    try:
        services.case_start(case=case, by=request.user, expected_version=_version_if_given(request))
    except (services.CaseRefused, StaleEdit) as exc:
        _refused_or_stale(request, case, exc)
        return render_case(request, queries.case_for(request.user, pk), status=409)
    return redirect("cases:detail", pk=case.pk)


@_recorder
def case_unmark_sensitive(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """A manager of the site makes a sensitive case ordinary again, saying why."""
    if not manages_sites(request.user):
        raise PermissionDenied
    case = _writable_case(request, pk)

    def call(data: dict[str, Any]) -> None:
        services.case_unmark_sensitive(
            case=case,
            by=request.user,
            reason=data["reason"],
            expected_version=_version_if_given(request),
        )
        messages.success(request, _("The case is no longer sensitive."))

    return _transition(
        request,
        case,
        ReasonForm(request.POST or None),
        call,
        title=_("Make this case ordinary again"),
        submit=_("No longer sensitive"),
        danger=True,
    )


@_recorder
def case_reassign(request: AuthedRequest, pk: UUID) -> HttpResponse:
    if not manages_sites(request.user):
        raise PermissionDenied
    case = _writable_case(request, pk)
    agents = _agents_of(case).exclude(pk=case.responsible_id)

    def call(data: dict[str, Any]) -> None:
        services.case_reassign(
            case=case,
            by=request.user,
            responsible=data["responsible"],
            reason=data["reason"],
            expected_version=_version_if_given(request),
        )
        messages.success(request, _("The case is reassigned."))

    return _transition(
        request,
        case,
        ReassignForm(request.POST or None, agents=agents),
        call,
        title=_("Reassign the case"),
        submit=_("Reassign"),
    )


# Break the glass, site settings
# =============================================================================================


@_reader
def break_glass(request: AuthedRequest) -> HttpResponse:
    """Open a sensitive case one does not see, for a stated reason, for a few hours."""
    form = BreakGlassForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        case = queries.case_by_code_in_scope(request.user, form.cleaned_data["code"])
        if case is None or not services.can_break_glass(request.user, case):
            form.add_error("code", _("No restricted case with this code in your scope."))
        else:
            reason = form.cleaned_data["reason"]
            services.case_break_glass(case=case, by=request.user, reason=reason)
            access_log_record(
                request=request,
                action=Action.READ,
                channel=Channel.PAGE,
                object_type="case",
                object_id=case.pk,
                person_id=case.person_id,
                site_id=case.site_id,
                query=f"break the glass: {reason}"[:500],
            )
            messages.warning(
                request,
                _("Access opened for %(hours)s hours. Your manager sees it, with your reason.")
                % {"hours": services.BREAK_GLASS_HOURS},
            )
            return redirect("cases:detail", pk=case.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "cases/break_glass.html", {"form": form}, status=status)


@_recorder
def site_settings(request: AuthedRequest, code: str) -> HttpResponse:
    if not manages_sites(request.user):
        raise PermissionDenied
    site = site_for(request.user, code)
    if not records_at_site(request.user, site.pk):
        raise OutOfScope("site")
    current = services.site_case_settings(site)
    form = SiteSettingsForm(
        request.POST or None, initial={"no_contact_days": current.no_contact_days}
    )
    if request.method == "POST" and form.is_valid():
        services.case_settings_update(site=site, by=request.user, **form.cleaned_data)
        messages.success(request, _("The changes are saved."))
        return redirect("cases:worklist")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "site": site}
    return render(request, "cases/site_settings.html", context, status=status)

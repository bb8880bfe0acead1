"""API routes of the cases app, mounted under /api/v1/ by orienta.api.v1."""

from datetime import UTC, datetime
from typing import overload
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_read, access_log_record, access_log_search
from orienta.cases import queries, services
from orienta.cases.forms import (
    ActionForm,
    CaseForm,
    CloseForm,
    FollowUpForm,
    PlanFollowUpForm,
    ReasonForm,
)
from orienta.cases.models import Case, CaseAccessGrant, CaseAction, FollowUp
from orienta.cases.schemas import (
    ActionIn,
    ActionOut,
    ActionPatchIn,
    CaseDetailOut,
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePatchIn,
    CaseReasonIn,
    CloseIn,
    FollowUpIn,
    FollowUpOut,
    GrantOut,
    ReassignIn,
)
from orienta.core.access import can_read_persons, manages_sites
from orienta.core.api import require_recorder, writable_site
from orienta.core.models import User
from orienta.core.types import ApiRequest
from orienta.frontdesk.models import Visit
from orienta.frontdesk.queries import visit_for
from orienta.lib.api.errors import Detail, FieldErrors, field_error, form_errors
from orienta.lib.api.pagination import Pages, counted
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person
from orienta.people.queries import current_membership, person_for

router = Router(tags=["cases"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
CASE_RELATED = ("site", "person", "responsible", "household", "visit")
# What `CaseOut` reads of a case in a list, and of its relations: the site's and person's codes
# and the responsible's username (the household and the visit by their id only; a person's
# and a visit's rows are wide, and a page holds fifty cases).
LIST_RELATED = ("site", "person", "responsible")
LIST_FIELDS = (
    "code",
    "site__code",
    "person__code",
    "household",
    "visit",
    "responsible__username",
    "risk",
    "assessment",
    "sensitive",
    "status",
    "closure_reason",
    "opened_at",
    "closed_at",
    "last_contact_at",
    "version",
)
WRITE = {200: CaseOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors}


def _read_case(request: ApiRequest, case_id: UUID) -> Case:
    """The case, if in the caller's scope (roles without personal data have none: 404)."""
    case = queries.case_for(request.auth, case_id)
    access_log_read(request, case.person, object_type="case", object_id=case.pk)
    return case


def _write_case(request: ApiRequest, case_id: UUID) -> Case:
    """The case, if the caller may change it: 404 out of scope, 403 when they may only read
    it (a sensitive case opened by breaking the glass is read-only)."""
    require_recorder(request.auth)
    case = _read_case(request, case_id)
    if not services.can_change(request.auth, case):
        raise PermissionDenied
    return case


def _fresh(case: Case) -> Case:
    return Case.objects.select_related(*CASE_RELATED).prefetch_related("needs").get(pk=case.pk)


def _aware(value: datetime | None) -> datetime | None:
    """A time sent without an offset is taken as UTC."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


@overload
def _staff_user(case: Case, username: str, field: str) -> User: ...
@overload
def _staff_user(case: Case, username: None, field: str) -> None: ...
@overload
def _staff_user(case: Case, username: str | None, field: str) -> User | None: ...
def _staff_user(case: Case, username: str | None, field: str) -> User | None:
    if username is None:
        return None
    found = queries.site_agents([case.site]).filter(username=username).first()
    if found is None:
        raise field_error(
            field, gettext("No agent of the case's site has this username."), "invalid_choice"
        )
    return found


@router.get("/cases", response=list[CaseOut], summary="Cases in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def case_list(request: ApiRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    """Cases the caller may see, newest first. A sensitive case is listed only for its
    responsible agent, the site's managers, and whoever broke the glass on it."""
    user = request.auth
    found = queries.case_list(
        user,
        status=filters.status or "",
        q=filters.q or "",
        responsible=user if filters.mine else None,
    )
    if filters.person:
        found = found.filter(person_id=filters.person)
    total = found.count()
    access_log_search(
        request,
        query=f"status={filters.status or ''} q={filters.q or ''} person={filters.person or ''}",
        results=total,
        object_type="case",
        person_id=filters.person,
    )
    found = found.select_related(None).select_related(*LIST_RELATED).only(*LIST_FIELDS)
    return counted(found.prefetch_related("needs"), total)


def _opening(user: User, payload: CaseIn) -> tuple[Person, Visit | None]:
    try:
        person = person_for(user, payload.person)
    except Http404:
        raise field_error(
            "person",
            gettext("This person does not exist, or you are not allowed to see them."),
            "invalid_choice",
        ) from None
    visit = None
    if payload.visit:
        try:
            visit = visit_for(user, payload.visit)
        except Http404:
            visit = None
        if visit is None or visit.person_id != person.pk:
            raise field_error(
                "visit", gettext("This visit is not one of this person's."), "invalid_choice"
            )
    return person, visit


@router.post(
    "/cases",
    response={201: CaseOut, 403: Detail, 409: Detail, 422: FieldErrors},
    summary="Open a case",
)
def case_create(request: ApiRequest, payload: CaseIn) -> tuple[int, Case]:
    """Open a case for a person, at a site the caller works at; the caller is responsible."""
    user = request.auth
    require_recorder(user)
    person, visit = _opening(user, payload)
    site = writable_site(user, payload.site or person.site.code)
    form = CaseForm(data=payload.model_dump(include={"needs", "risk", "assessment", "sensitive"}))
    if not form.is_valid():
        raise form_errors(form)
    membership = current_membership(person) if payload.household else None
    case = services.case_open(
        person=person,
        by=user,
        site=site,
        visit=visit,
        household=membership.household if membership else None,
        **form.cleaned_data,
    )
    access_log_read(request, person, object_type="case", object_id=case.pk)
    return 201, _fresh(case)


@router.get(
    "/cases/{uuid:case_id}",
    response={200: CaseDetailOut, 403: Detail, 404: Detail},
    summary="Read a case",
)
def case_read(request: ApiRequest, case_id: UUID) -> Case:
    """A case with its timeline (404 when out of scope, or sensitive and not the caller's)."""
    return _read_case(request, case_id)


@router.patch("/cases/{uuid:case_id}", response=WRITE, summary="Change a case")
def case_patch(request: ApiRequest, case_id: UUID, payload: CasePatchIn) -> tuple[int, Case]:
    """Change needs, risk, assessment or mark the case sensitive, if `version` is still the
    case's. A sensitive case is changed only by its responsible agent and the site's managers
    (403 for anyone who broke the glass to read it); `sensitive: false` on a sensitive case is
    refused (403, or 409 for a manager): use `/unmark-sensitive` with a reason."""
    case = _write_case(request, case_id)
    current = {
        "needs": [t.pk for t in case.needs.all()],
        "risk": case.risk,
        "assessment": case.assessment,
        "sensitive": case.sensitive,
    }
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    form = CaseForm(data=current | {k: v for k, v in changes.items() if v is not None})
    if not form.is_valid():
        raise form_errors(form)
    services.case_update(
        case=case, by=request.auth, data=form.cleaned_data, expected_version=payload.version
    )
    return 200, _fresh(case)


@router.post("/cases/{uuid:case_id}/close", response=WRITE, summary="Close a case")
def case_close(request: ApiRequest, case_id: UUID, payload: CloseIn) -> tuple[int, Case]:
    """Close with a reason; closing a closed case is a 409."""
    case = _write_case(request, case_id)
    form = CloseForm(data=payload.model_dump(include={"reason", "note"}))
    if not form.is_valid():
        raise form_errors(form)
    services.case_close(
        case=case,
        by=request.auth,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        expected_version=payload.version,
    )
    return 200, _fresh(case)


@router.post("/cases/{uuid:case_id}/reopen", response=WRITE, summary="Reopen a case")
def case_reopen(request: ApiRequest, case_id: UUID, payload: CaseReasonIn) -> tuple[int, Case]:
    """Reopen a closed case, saying why; reopening a case that is not closed is a 409."""
    case = _write_case(request, case_id)
    form = ReasonForm(data={"reason": payload.reason})
    if not form.is_valid():
        raise form_errors(form)
    services.case_reopen(
        case=case,
        by=request.auth,
        reason=form.cleaned_data["reason"],
        expected_version=payload.version,
    )
    return 200, _fresh(case)


@router.post("/cases/{uuid:case_id}/reassign", response=WRITE, summary="Reassign a case")
def case_reassign(request: ApiRequest, case_id: UUID, payload: ReassignIn) -> tuple[int, Case]:
    """A site manager gives the case to another agent of the site."""
    case = _write_case(request, case_id)
    responsible = _staff_user(case, payload.responsible, "responsible")
    services.case_reassign(
        case=case,
        by=request.auth,
        responsible=responsible,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return 200, _fresh(case)


@router.post(
    "/cases/{uuid:case_id}/unmark-sensitive",
    response=WRITE,
    summary="Make a sensitive case ordinary again",
)
def case_unmark_sensitive(
    request: ApiRequest, case_id: UUID, payload: CaseReasonIn
) -> tuple[int, Case]:
    """A manager of the case's site lifts the restriction of a sensitive case, saying why (at
    least 10 characters); on the timeline and in the event log. 409 if it is not sensitive."""
    case = _write_case(request, case_id)
    if not manages_sites(request.auth):
        raise PermissionDenied
    form = ReasonForm(data={"reason": payload.reason})
    if not form.is_valid():
        raise form_errors(form)
    services.case_unmark_sensitive(
        case=case,
        by=request.auth,
        reason=form.cleaned_data["reason"],
        expected_version=payload.version,
    )
    return 200, _fresh(case)


@router.get(
    "/cases/{uuid:case_id}/actions",
    response={200: list[ActionOut], 403: Detail, 404: Detail},
    summary="Actions of a case",
)
def action_list(request: ApiRequest, case_id: UUID) -> tuple[int, list[CaseAction]]:
    return 200, list(queries.case_actions(_read_case(request, case_id)))


@router.post(
    "/cases/{uuid:case_id}/actions",
    response={201: ActionOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Plan an action",
)
def action_create(request: ApiRequest, case_id: UUID, payload: ActionIn) -> tuple[int, CaseAction]:
    """Plan an action due today or later (the case site's date), or record one already done
    (`done`), dated the day it was done: today or earlier. A date on the wrong side is a 422."""
    case = _write_case(request, case_id)
    assignee = _staff_user(case, payload.assignee, "assignee")
    data = payload.model_dump() | {"assignee": assignee.pk if assignee else None}
    form = ActionForm(
        data=data, agents=queries.site_agents([case.site]), today=queries.site_today(case.site)
    )
    if not form.is_valid():
        raise form_errors(form)
    action = services.case_action_add(case=case, by=request.auth, **form.cleaned_data)
    return 201, action


@router.patch(
    "/cases/actions/{uuid:action_id}",
    response={200: ActionOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Change an action",
)
def action_patch(
    request: ApiRequest, action_id: UUID, payload: ActionPatchIn
) -> tuple[int, CaseAction]:
    """Mark an action done or cancelled, or change it, if `version` is still the action's."""
    require_recorder(request.auth)
    action = queries.action_for(request.auth, action_id)
    case = _write_case(request, action.case_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    changes = {k: v for k, v in changes.items() if v is not None or k == "assignee"}
    if "assignee" in changes:
        changes["assignee"] = _staff_user(case, changes["assignee"], "assignee")
    if changes.get("status") not in (None, "planned", "done", "cancelled"):
        raise field_error("status", gettext("Choose done or cancelled."), "invalid_choice")
    if "what" in changes and not (changes["what"] or "").strip():
        raise field_error("what", gettext("This field is required."), "required")
    updated = services.case_action_update(
        action=action, by=request.auth, data=changes, expected_version=payload.version
    )
    return 200, updated


@router.get(
    "/cases/{uuid:case_id}/follow-ups",
    response={200: list[FollowUpOut], 403: Detail, 404: Detail},
    summary="Follow-ups of a case",
)
def followup_list(request: ApiRequest, case_id: UUID) -> tuple[int, list[FollowUp]]:
    return 200, list(queries.case_followups(_read_case(request, case_id)))


@router.post(
    "/cases/{uuid:case_id}/follow-ups",
    response={201: FollowUpOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Record or plan a contact",
)
def followup_create(
    request: ApiRequest, case_id: UUID, payload: FollowUpIn
) -> tuple[int, FollowUp]:
    """A contact made (`planned` false, the default), or planned for `due_on`."""
    case = _write_case(request, case_id)
    data = payload.model_dump()
    if payload.planned:
        form: PlanFollowUpForm | FollowUpForm = PlanFollowUpForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        found = services.case_followup_plan(case=case, by=request.auth, **form.cleaned_data)
    else:
        form = FollowUpForm(data=data)
        if not form.is_valid():
            raise form_errors(form)
        found = services.case_followup_record(
            case=case, by=request.auth, done_at=_aware(payload.done_at), **form.cleaned_data
        )
    return 201, found


@router.post(
    "/cases/{uuid:case_id}/break-glass",
    response={201: GrantOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Break the glass",
)
def break_glass(
    request: ApiRequest, case_id: UUID, payload: CaseReasonIn
) -> tuple[int, CaseAccessGrant]:
    """Open a sensitive case of one's scope for 3 hours, for the reason given (logged and shown
    to the site manager). 404 when the case is not in the caller's scope or needs no opening."""
    user = request.auth
    if not can_read_persons(user):
        raise PermissionDenied
    case = queries.case_in_scope(user, case_id)
    if case is None or not services.can_break_glass(user, case):
        raise OutOfScope("case", case_id)
    try:
        grant = services.case_break_glass(case=case, by=user, reason=payload.reason)
    except services.CaseRefused as exc:
        raise field_error("reason", exc.message, "min_length") from None
    access_log_record(
        request=request,
        action=Action.READ,
        channel=Channel.API,
        object_type="case",
        object_id=case.pk,
        person_id=case.person_id,
        site_id=case.site_id,
        query=f"break the glass: {grant.reason}"[:500],
    )
    return 201, grant

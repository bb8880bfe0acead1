"""API routes of the GTPS: groups, their members, meetings and actions (lists and reads for
those who read the GTPS; creation, a member's addition and removal, an action's progress for
those who manage them). The same services as the pages."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.core.access import manages_networks
from orienta.core.models import Area, Organisation
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.networks import queries, services
from orienta.networks.api.common import MAX_PAGE_SIZE, PAGE_SIZE, manager, page, saving
from orienta.networks.models import Action, Group, Meeting, Member
from orienta.networks.schemas import (
    GtpsActionFilters,
    GtpsActionIn,
    GtpsActionOut,
    GtpsActionStepIn,
    GtpsGroupChangeIn,
    GtpsGroupFilter,
    GtpsGroupFilters,
    GtpsGroupIn,
    GtpsGroupOut,
    GtpsMeetingIn,
    GtpsMeetingOut,
    GtpsMemberIn,
    GtpsMemberOut,
    GtpsRemoveIn,
)

router = Router(tags=["networks"])


def _reader(request: ApiRequest) -> None:
    if not queries.reads_gtps(request.auth):
        raise PermissionDenied


def _member_out(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "group": member.group_id,
        "organisation": member.organisation_id,
        "organisation_name": member.organisation.name if member.organisation else "",
        "name": member.name,
        "sector": member.sector,
        "position": member.position,
        "version": member.version,
    }


def _group_out(group: Group) -> dict[str, Any]:
    return {
        "id": group.pk,
        "country": group.country.code,
        "area": group.area.code if group.area else None,
        "name": group.name,
        "mandate": group.mandate,
        "members": [_member_out(m) for m in queries.members_of(group)],
        "version": group.version,
    }


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "group": meeting.group_id,
        "on": meeting.on,
        "status": meeting.status,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "present": list(queries.attendee_ids(meeting)),
        "version": meeting.version,
    }


def _action_out(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "group": action.group_id,
        "meeting": action.meeting_id,
        "title": action.title,
        "lead": action.lead_id,
        "lead_name": action.lead.name if action.lead else "",
        "deadline": action.deadline,
        "status": action.status,
        "status_on": action.status_on,
        "policy": action.policy,
        "history": [
            {"status": s.status, "on": s.on, "note": s.note} for s in queries.history_of(action)
        ],
        "version": action.version,
    }


# Groups
# =============================================================================================


@router.get("/networks/groups", response=list[GtpsGroupOut], summary="GTPS groups in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def group_list(request: ApiRequest, filters: Query[GtpsGroupFilters]) -> PageMapped:
    _reader(request)
    found = queries.groups(request.auth).order_by("name", "pk")
    if filters.country:
        found = found.filter(country__code=filters.country.strip().upper())
    return page(found, _group_out)


@router.post(
    "/networks/groups", response={201: GtpsGroupOut}, summary="Create a GTPS group of a country"
)
def group_create(request: ApiRequest, payload: GtpsGroupIn) -> tuple[int, dict[str, Any]]:
    manager(request)
    country = queries.countries_managed(request.auth).filter(code=payload.country.upper()).first()
    if country is None:
        raise field_error(
            "country", gettext("You do not manage the networks of this country."), "invalid_choice"
        )
    area = None
    if payload.area:
        area = Area.objects.filter(code=payload.area, country=country, level=1).first()
        if area is None:
            raise field_error(
                "area", gettext("No region of the country has this code."), "invalid_choice"
            )
    group = saving(
        "name",
        lambda: services.group_create(
            country=country, area=area, name=payload.name, mandate=payload.mandate, by=request.auth
        ),
    )
    return 201, _group_out(queries.group_for(request.auth, group.pk))


@router.get("/networks/groups/{group_id}", response=GtpsGroupOut, summary="A GTPS group")
def group_read(request: ApiRequest, group_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _group_out(queries.group_for(request.auth, group_id))


def _managed_group(request: ApiRequest, group_id: UUID) -> Group:
    """The group named in the path: 404 out of scope, 403 for a reader who may not change it."""
    _reader(request)
    found = queries.group_for(request.auth, group_id)
    if not manages_networks(request.auth, found.country_id):
        raise PermissionDenied
    return found


@router.put("/networks/groups/{group_id}", response=GtpsGroupOut, summary="Change a GTPS group")
def group_change(request: ApiRequest, group_id: UUID, payload: GtpsGroupChangeIn) -> dict[str, Any]:
    """Its name, region and mandate (its country stays), of the version read."""
    found = _managed_group(request, group_id)
    area = None
    if payload.area:
        area = Area.objects.filter(code=payload.area, country_id=found.country_id, level=1).first()
        if area is None:
            raise field_error(
                "area", gettext("No region of the country has this code."), "invalid_choice"
            )
    saving(
        "name",
        lambda: services.group_edit(
            group=found,
            area=area,
            name=payload.name,
            mandate=payload.mandate,
            version=payload.version,
            by=request.auth,
        ),
    )
    return _group_out(queries.group_for(request.auth, group_id))


@router.delete(
    "/networks/groups/{group_id}",
    response={204: None},
    summary="Remove a GTPS group with its members, meetings and actions",
)
def group_delete(
    request: ApiRequest, group_id: UUID, filters: Query[GtpsRemoveIn]
) -> tuple[int, None]:
    found = _managed_group(request, group_id)
    services.group_remove(group=found, version=filters.version, by=request.auth)
    return 204, None


def _group_in(request: ApiRequest, group_id: UUID) -> Group:
    """A group of the body, in the caller's scope and managed by them (else 422 on `group`)."""
    found = queries.groups(request.auth).filter(pk=group_id).first()
    if found is None or not manages_networks(request.auth, found.country_id):
        raise field_error("group", gettext("No group you manage has this id."), "invalid_choice")
    return found


# Members
# =============================================================================================


@router.get("/networks/members", response=list[GtpsMemberOut], summary="GTPS members in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def member_list(request: ApiRequest, filters: Query[GtpsGroupFilter]) -> PageMapped:
    _reader(request)
    found = queries.members(request.auth).order_by("group__name", "sector", "created_at", "pk")
    if filters.group:
        found = found.filter(group_id=filters.group)
    return page(found, _member_out)


@router.post(
    "/networks/members", response={201: GtpsMemberOut}, summary="Add a member to a GTPS group"
)
def member_create(request: ApiRequest, payload: GtpsMemberIn) -> tuple[int, dict[str, Any]]:
    """An organisation of the group's country, a named contact person, or both."""
    manager(request)
    group = _group_in(request, payload.group)
    organisation = None
    if payload.organisation:
        organisation = (
            queries.organisations_for(request.auth, group.country_id)
            .filter(pk=payload.organisation)
            .first()
        )
        if organisation is None:
            raise field_error(
                "organisation",
                gettext("No organisation of the group's country has this id."),
                "invalid_choice",
            )
    member = saving(
        "name",
        lambda: services.member_add(
            group=group,
            organisation=organisation,
            name=payload.name,
            sector=payload.sector,
            position=payload.position,
            by=request.auth,
        ),
    )
    return 201, _member_out(queries.member_for(request.auth, member.pk))


@router.get("/networks/members/{member_id}", response=GtpsMemberOut, summary="A GTPS member")
def member_read(request: ApiRequest, member_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _member_out(queries.member_for(request.auth, member_id))


@router.delete(
    "/networks/members/{member_id}",
    response={204: None},
    summary="Remove a member from its group (the meetings it attended keep it present)",
)
def member_delete(
    request: ApiRequest, member_id: UUID, filters: Query[GtpsRemoveIn]
) -> tuple[int, None]:
    _reader(request)
    found = queries.member_for(request.auth, member_id)
    if not manages_networks(request.auth, found.group.country_id):
        raise PermissionDenied
    services.member_remove(member=found, version=filters.version, by=request.auth)
    return 204, None


# Meetings
# =============================================================================================


@router.get("/networks/meetings", response=list[GtpsMeetingOut], summary="GTPS meetings in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def meeting_list(request: ApiRequest, filters: Query[GtpsGroupFilter]) -> PageMapped:
    _reader(request)
    found = queries.meetings(request.auth).prefetch_related("attendees").order_by("-on", "pk")
    if filters.group:
        found = found.filter(group_id=filters.group)
    return page(found, _meeting_out)


@router.post("/networks/meetings", response={201: GtpsMeetingOut}, summary="Plan a GTPS meeting")
def meeting_create(request: ApiRequest, payload: GtpsMeetingIn) -> tuple[int, dict[str, Any]]:
    manager(request)
    group = _group_in(request, payload.group)
    meeting = saving(
        "on",
        lambda: services.meeting_plan(
            group=group, on=payload.on, agenda=payload.agenda, by=request.auth
        ),
    )
    return 201, _meeting_out(meeting)


@router.get("/networks/meetings/{meeting_id}", response=GtpsMeetingOut, summary="A GTPS meeting")
def meeting_read(request: ApiRequest, meeting_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _meeting_out(queries.meeting_for(request.auth, meeting_id))


# Actions
# =============================================================================================


@router.get("/networks/actions", response=list[GtpsActionOut], summary="GTPS actions in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def action_list(request: ApiRequest, filters: Query[GtpsActionFilters]) -> PageMapped:
    _reader(request)
    found = queries.actions(request.auth).prefetch_related("updates").order_by("deadline", "pk")
    if filters.group:
        found = found.filter(group_id=filters.group)
    if filters.status:
        found = found.filter(status=filters.status)
    return page(found, _action_out)


@router.post("/networks/actions", response={201: GtpsActionOut}, summary="Add an action to a plan")
def action_create(request: ApiRequest, payload: GtpsActionIn) -> tuple[int, dict[str, Any]]:
    manager(request)
    group = _group_in(request, payload.group)
    lead = None
    if payload.lead:
        lead = Organisation.objects.filter(
            pk=payload.lead, country_id=group.country_id, deleted_at__isnull=True
        ).first()
        if lead is None:
            raise field_error(
                "lead", gettext("No organisation of the group's country has this id."), "invalid"
            )
    meeting = None
    if payload.meeting:
        meeting = group.meetings.filter(pk=payload.meeting, deleted_at__isnull=True).first()
        if meeting is None:
            raise field_error("meeting", gettext("No meeting of the group has this id."), "invalid")
    data = services.ActionInput(payload.title, payload.deadline, lead, payload.policy, meeting)
    action = saving(
        "title", lambda: services.action_create(group=group, data=data, by=request.auth)
    )
    return 201, _action_out(queries.action_for(request.auth, action.pk))


@router.get(
    "/networks/actions/{action_id}", response=GtpsActionOut, summary="An action and its history"
)
def action_read(request: ApiRequest, action_id: UUID) -> dict[str, Any]:
    _reader(request)
    return _action_out(queries.action_for(request.auth, action_id))


@router.post(
    "/networks/actions/{action_id}/updates",
    response=GtpsActionOut,
    summary="Record an action's progress (a new status, a note)",
)
def action_step(request: ApiRequest, action_id: UUID, payload: GtpsActionStepIn) -> dict[str, Any]:
    _reader(request)
    found = queries.action_for(request.auth, action_id)
    if not manages_networks(request.auth, found.group.country_id):
        raise PermissionDenied
    saving(
        "status",
        lambda: services.action_update(
            action=found,
            status=payload.status,
            on=payload.on,
            note=payload.note,
            version=payload.version,
            by=request.auth,
        ),
    )
    return _action_out(queries.action_for(request.auth, action_id))

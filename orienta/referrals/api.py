"""API routes of the referrals app, mounted under /api/v1/ by orienta.api.v1."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import access_log_search
from orienta.cases.models import Case, CaseAction
from orienta.core.access import can_record, is_provider
from orienta.core.models import Site, User
from orienta.core.types import ApiRequest
from orienta.directory.models import Service
from orienta.frontdesk.models import Visit
from orienta.lib.api.errors import Detail, FieldErrors, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.people.models import Person
from orienta.referrals import queries, services
from orienta.referrals.access import OBJECT, log_read, log_send, slip_response
from orienta.referrals.models import Referral, SharedField, Status, Urgency
from orienta.referrals.schemas import NoteIn, ReferralFilters, ReferralIn, ReferralOut

router = Router(tags=["referrals"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def _with_events(referral: Referral) -> Referral:
    referral.with_events = True  # type: ignore[attr-defined]  # read by ReferralOut's resolvers
    return referral


def _get(request: ApiRequest, referral_id: UUID) -> Referral:
    return queries.referral_for(request.auth, referral_id)  # OutOfScope: a logged 404


LIST_RELATED = ("person", "service", "service__organisation", "site")
# ... and the columns it reads of each (`shared_data`: the person's fields a referral may share).
LIST_FIELDS = (
    "code",
    "status",
    "urgency",
    "person__given_name",
    "person__family_name",
    "person__sex",
    "person__birth_date",
    "person__phone",
    "person__documents",
    "service__name",
    "service__organisation__name",
    "site__code",
    "case",
    "action",
    "visit",
    "reason",
    "shared_fields",
    "sent_at",
    "answer_due_at",
    "answered_at",
    "served_at",
    "closed_at",
    "outcome_note",
)


@router.get("/referrals", response=list[ReferralOut], summary="Referrals in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def referral_list(request: ApiRequest, filters: Query[ReferralFilters]) -> PageMapped:
    """Referrals in scope, newest first (a provider account: those to its organisation). The
    names shared of a person with a sensitive case the caller may not see are given as
    initials, their phone and documents left out (`masked`), as on the list page."""
    user = request.auth
    status = filters.status if filters.status in Status.values else ""
    found = queries.referral_list(user, status=status)
    if filters.person:
        found = found.filter(person_id=filters.person)
    total = found.count()
    access_log_search(
        request,
        query=f"status={status} person={filters.person or ''}".strip(),
        results=total,
        object_type=OBJECT,
        person_id=filters.person,
    )
    # `ReferralOut` reads the person, the service and its organisation, and the site: not the
    # sender or the case the pages join, and only the columns it gives.
    found = found.select_related(None).select_related(*LIST_RELATED).only(*LIST_FIELDS)
    return PageMapped(found, total, lambda page: queries.mark_masked(user, page))


def _origin(
    user: User, payload: ReferralIn
) -> tuple[Person, Service, Case | None, CaseAction | None, Visit | None]:
    person, case, action, visit = queries.referral_origin(
        user, person=payload.person, case=payload.case, action=payload.action, visit=payload.visit
    )
    service = Service.objects.visible_to(user).filter(pk=payload.service).first()
    if service is None:
        raise field_error("service", gettext("Choose a service from the list."), "invalid_choice")
    return person, service, case, action, visit


def _site(
    user: User, payload: ReferralIn, person: Person, case: Case | None, visit: Visit | None
) -> Site:
    site = queries.sending_site(user, person=person, case=case, visit=visit, code=payload.site)
    if site is None and payload.site:
        raise field_error(
            "site",
            gettext("This site does not exist, or you cannot record at it."),
            "invalid_choice",
        )
    if site is None:
        raise field_error("site", gettext("Give the code of the sending site."), "required")
    return site


def _field_checks(payload: ReferralIn) -> None:
    if payload.urgency not in Urgency.values:
        raise field_error("urgency", gettext("Choose an urgency."), "invalid_choice")
    if set(payload.shared_fields) - set(SharedField.values):
        raise field_error("shared_fields", gettext("Unknown data to share."), "invalid_choice")
    if not payload.reason.strip():
        raise field_error("reason", gettext("Say why the person is referred."), "required")


@router.post(
    "/referrals",
    response={201: ReferralOut, 403: Detail, 404: Detail, 422: FieldErrors},
    summary="Send a referral",
)
def referral_create(request: ApiRequest, payload: ReferralIn) -> tuple[int, Referral]:
    """Refer a person to a service. Refused (422 on `consent_override_reason`) when the person
    has not agreed to share their data with partners, unless a site manager gives a reason."""
    user = request.auth
    if not can_record(user):
        raise PermissionDenied
    _field_checks(payload)
    person, service, case, action, visit = _origin(user, payload)
    site = _site(user, payload, person, case, visit)
    try:
        referral = services.referral_send(
            by=user,
            person=person,
            service=service,
            site=site,
            reason=payload.reason,
            urgency=payload.urgency,
            shared_fields=payload.shared_fields,
            case=case,
            action=action,
            visit=visit,
            consent_override_reason=payload.consent_override_reason,
        )
    except services.ConsentMissing as exc:
        raise field_error("consent_override_reason", exc.messages[0], "consent") from None
    log_send(request, referral)
    return 201, _with_events(queries.referral_for(user, referral.pk))


@router.get(
    "/referrals/{uuid:referral_id}",
    response={200: ReferralOut, 404: Detail},
    summary="Read a referral",
)
def referral_read(request: ApiRequest, referral_id: UUID) -> Referral:
    """A referral and its history (a provider account sees the minimum data only)."""
    referral = _get(request, referral_id)
    log_read(request, referral)
    return _with_events(referral)


TRANSITION_RESPONSES = {200: ReferralOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors}


def _transition(
    request: ApiRequest, referral_id: UUID, to_status: str, note: str
) -> tuple[int, Referral | dict[str, Any]]:
    user = request.auth
    referral = _get(request, referral_id)
    allowed = (
        queries.records_at(user, referral)
        if to_status == Status.CANCELLED
        else queries.may_answer(user, referral)
    )
    if not allowed:
        raise PermissionDenied
    log_read(request, referral)
    actor = "provider_account" if is_provider(user) else "user"
    try:
        services.referral_answer(
            referral=referral, status=to_status, note=note, by=user, actor=actor
        )
    except services.IllegalTransition as exc:
        return 409, {"detail": exc.messages[0]}
    except ValidationError as exc:
        raise field_error("note", exc.messages[0], exc.code or "invalid") from None
    return 200, _with_events(queries.referral_for(user, referral.pk))


@router.post(
    "/referrals/{uuid:referral_id}/accept",
    response=TRANSITION_RESPONSES,
    summary="Accept a referral",
)
def referral_accept(
    request: ApiRequest, referral_id: UUID, payload: NoteIn
) -> tuple[int, Referral | dict[str, Any]]:
    """The provider received the referral and will see the person (409 if it cannot)."""
    return _transition(request, referral_id, Status.ACCEPTED, payload.note)


@router.post(
    "/referrals/{uuid:referral_id}/decline",
    response=TRANSITION_RESPONSES,
    summary="Decline a referral",
)
def referral_decline(
    request: ApiRequest, referral_id: UUID, payload: NoteIn
) -> tuple[int, Referral | dict[str, Any]]:
    """The provider cannot take the person; `note` says why (required)."""
    return _transition(request, referral_id, Status.DECLINED, payload.note)


@router.post(
    "/referrals/{uuid:referral_id}/serve",
    response=TRANSITION_RESPONSES,
    summary="Mark a referral served",
)
def referral_serve(
    request: ApiRequest, referral_id: UUID, payload: NoteIn
) -> tuple[int, Referral | dict[str, Any]]:
    """The person received the service (by the provider, or the agent at follow-up)."""
    return _transition(request, referral_id, Status.SERVED, payload.note)


@router.post(
    "/referrals/{uuid:referral_id}/not-served",
    response=TRANSITION_RESPONSES,
    summary="Mark a referral not served",
)
def referral_not_served(
    request: ApiRequest, referral_id: UUID, payload: NoteIn
) -> tuple[int, Referral | dict[str, Any]]:
    """The person did not come, or was not served."""
    return _transition(request, referral_id, Status.NOT_SERVED, payload.note)


@router.post(
    "/referrals/{uuid:referral_id}/cancel",
    response=TRANSITION_RESPONSES,
    summary="Cancel a referral",
)
def referral_cancel(
    request: ApiRequest, referral_id: UUID, payload: NoteIn
) -> tuple[int, Referral | dict[str, Any]]:
    """The site's staff withdraw the referral; its provider link stops working."""
    return _transition(request, referral_id, Status.CANCELLED, payload.note)


@router.get(
    "/referrals/{uuid:referral_id}/slip.pdf",
    response={403: Detail, 404: Detail},
    summary="The referral slip (PDF)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The slip, an A6 PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
        "parameters": [
            {
                "name": "lang",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["fr", "pt", "en"]},
                "description": "Language of the slip; by default the site's.",
            }
        ],
    },
)
def referral_slip(request: ApiRequest, referral_id: UUID) -> HttpResponse:
    """The printable slip, for the site's staff; printing it is logged."""
    referral = _get(request, referral_id)
    if not queries.records_at(request.auth, referral):
        raise PermissionDenied
    return slip_response(request, referral)

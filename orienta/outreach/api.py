"""API routes of community work, mounted under /api/v1/ by orienta.api.v1.

Counts only: no route gives the names of attendees or of the persons met at a fair.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.core.api import require_recorder, writable_site
from orienta.core.models import Area, Site
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import Detail, FieldErrors, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.lib.indicators import Period
from orienta.outreach import queries, services
from orienta.outreach.attendance import Attendance, BadAttendance, age_bands
from orienta.outreach.models import AwarenessSession, Curriculum, Fair, OutcomeKind, Topic, Training
from orienta.outreach.schemas import (
    ActivityFilters,
    ActivityIn,
    AgeBandOut,
    CountedIn,
    CountsIn,
    FairIn,
    FairOut,
    SessionIn,
    SessionOut,
    TrainingIn,
    TrainingOut,
)
from orienta.outreach.services import Place, SessionDetails, attendance_of

router = Router(tags=["outreach"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def _require_reader(request: ApiRequest) -> None:
    if not queries.reads_outreach(request.auth):
        raise PermissionDenied


@router.get("/outreach/age-bands", response=list[AgeBandOut], summary="Age bands of counts")
def age_band_list(request: ApiRequest) -> list[dict[str, Any]]:
    """The age bands attendance is counted in (configured per deployment)."""
    return [{"code": b.code, "low": b.low, "high": b.high} for b in age_bands().bands]


def _filtered[M: (AwarenessSession, Fair, Training)](
    model: type[M], request: ApiRequest, filters: ActivityFilters
) -> QuerySet[M]:
    _require_reader(request)
    found = model.objects.visible_to(request.auth)
    if filters.month:
        try:
            period = Period.parse(filters.month)
        except ValueError as exc:
            raise field_error("month", str(exc), "invalid") from None
        found = found.filter(queries.in_period(period))
    if filters.site:
        found = found.filter(site__code=filters.site.strip().upper())
    if filters.status:
        found = found.filter(status=filters.status)
    return found.select_related("site", "area").order_by("-planned_on", "pk")


def _place(site: Site, payload: ActivityIn) -> Place:
    area = None
    if payload.area:
        area = Area.objects.filter(code=payload.area, country_id=site.country_id).first()
        if area is None:
            raise field_error(
                "area", gettext("No area of the site's country has this code."), "invalid_choice"
            )
    return Place(title=payload.title, area=area, locality=payload.locality, notes=payload.notes)


def _attendance(payload: CountedIn) -> Attendance | None:
    if payload.held_on is None and not payload.attendance:
        return None
    try:
        return Attendance.parse([row.model_dump() for row in payload.attendance])
    except BadAttendance as exc:
        raise field_error("attendance", exc.message, "invalid") from None


def _saving(field: str, call: Any) -> Any:
    """Run a service; its refusals of the input are 422 on `field`."""
    try:
        return call()
    except (services.BadInput, BadAttendance) as exc:
        raise field_error(field, exc.message, "invalid") from None


def _activity(activity: AwarenessSession | Fair | Training) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "site": activity.site.code,
        "title": activity.title,
        "status": activity.status,
        "planned_on": activity.planned_on,
        "held_on": activity.held_on,
        "area": activity.area.code if activity.area else None,
        "locality": activity.locality,
        "version": activity.version,
    }


def _session_out(session: AwarenessSession) -> dict[str, Any]:
    counts = attendance_of(session)
    return _activity(session) | {
        "venue_type": session.venue_type,
        "format": session.format,
        "themes": [t.pk for t in session.themes.all()] + list(session.topics),
        "total": counts.total,
        "attendance": counts.as_list(),
        "follow_up_visits": queries.session_followups(session),
    }


def _fair_out(fair: Fair) -> dict[str, Any]:
    counts = attendance_of(fair)
    outcomes = queries.fair_outcome_counts(fair)
    stands = [
        {
            "organisation": s.organisation_id,
            "name": str(s),
            "services": s.services,
            "offers": [
                {"kind": o.kind, "title": o.title, "places": o.places} for o in s.offers.all()
            ],
        }
        for s in fair.stands.filter(deleted_at__isnull=True).select_related("organisation")
    ]
    return _activity(fair) | {
        "venue": fair.venue,
        "total": counts.total,
        "attendance": counts.as_list(),
        "stands": stands,
        "oriented": queries.fair_visit_count(fair),
        "hired": outcomes.get(OutcomeKind.HIRED, 0),
        "enrolled": outcomes.get(OutcomeKind.ENROLLED, 0),
    }


def _training_out(training: Training) -> dict[str, Any]:
    participants = [
        {
            "agent": p.user.username if p.user else None,
            "name": str(p),
            "attended": p.attended,
            "pre_score": p.pre_score,
            "post_score": p.post_score,
        }
        for p in training.participants.filter(deleted_at__isnull=True).select_related("user")
    ]
    return _activity(training) | {
        "curriculum": training.curriculum.code,
        "trainer": training.trainer,
        "participants": participants,
    }


def _mapped(qs: QuerySet[Any], out: Any) -> PageMapped:
    """The list's page, each activity as its API form (a few queries per activity, 100 at
    most on a page)."""
    return PageMapped(qs, qs.count(), lambda page: [out(item) for item in page])


# Sessions
# =============================================================================================


@router.get("/outreach/sessions", response=list[SessionOut], summary="Awareness sessions in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def session_list(request: ApiRequest, filters: Query[ActivityFilters]) -> PageMapped:
    """Sessions of the caller's sites (a coordinator's country; every site for M&E), newest
    first, with their counts. Filter by `month`, `site`, `status`."""
    found = _filtered(AwarenessSession, request, filters).prefetch_related("themes", "counts")
    return _mapped(found, _session_out)


@router.post(
    "/outreach/sessions",
    response={201: SessionOut, 403: Detail, 409: Detail, 422: FieldErrors},
    summary="Plan or record a session",
)
def session_create(request: ApiRequest, payload: SessionIn) -> tuple[int, dict[str, Any]]:
    """Plan a session (no `held_on`), or record one held with its `attendance`. Counts that
    are negative, of an unknown sex or age band are a 422 and nothing is saved."""
    user = request.auth
    require_recorder(user)
    site = writable_site(user, payload.site)
    place = _place(site, payload)
    attendance = _attendance(payload)
    details = SessionDetails(
        venue_type=payload.venue_type,
        format=payload.format,
        themes=[code for code in payload.themes if code not in Topic.values],
        topics=[code for code in payload.themes if code in Topic.values],
        partner_facilitators=payload.partner_facilitators,
        materials=payload.materials,
        questions=payload.questions,
    )
    session = _saving(
        "attendance",
        lambda: services.session_create(
            site=site,
            place=place,
            planned_on=payload.planned_on,
            held_on=payload.held_on,
            attendance=attendance,
            details=details,
            by=user,
        ),
    )
    return 201, _session_out(session)


@router.get(
    "/outreach/sessions/{uuid:session_id}",
    response={200: SessionOut, 403: Detail, 404: Detail},
    summary="Read a session",
)
def session_read(request: ApiRequest, session_id: UUID) -> dict[str, Any]:
    return _session_out(queries.session_for(request.auth, session_id))


def _writable(request: ApiRequest, activity: AwarenessSession | Fair) -> None:
    """403 for a reader of the activity who may not record at its site."""
    if not services.records_at(request.auth, activity.site_id):
        raise PermissionDenied


def _counts(payload: CountsIn) -> Attendance:
    try:
        return Attendance.parse([row.model_dump() for row in payload.attendance])
    except BadAttendance as exc:
        raise field_error("attendance", exc.message, "invalid") from None


@router.post(
    "/outreach/sessions/{uuid:session_id}/counts",
    response={200: SessionOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Record a session as held, with its counts",
)
def session_counts(request: ApiRequest, session_id: UUID, payload: CountsIn) -> dict[str, Any]:
    """The date the session was held and its attendance, replacing any counted before; a
    stale `version` is a 409, more named attendees than counted a 422."""
    session = queries.session_for(request.auth, session_id)
    _writable(request, session)
    attendance = _counts(payload)
    _saving(
        "attendance",
        lambda: services.session_record(
            session=session,
            attendance=attendance,
            held_on=payload.held_on,
            by=request.auth,
            version=payload.version,
        ),
    )
    return _session_out(queries.session_for(request.auth, session_id))


# Fairs
# =============================================================================================


@router.get("/outreach/fairs", response=list[FairOut], summary="Fairs in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def fair_list(request: ApiRequest, filters: Query[ActivityFilters]) -> PageMapped:
    """Fairs in scope with their visitors' counts, stands and outcomes (counts only)."""
    return _mapped(_filtered(Fair, request, filters), _fair_out)


@router.post(
    "/outreach/fairs",
    response={201: FairOut, 403: Detail, 409: Detail, 422: FieldErrors},
    summary="Plan or record a fair",
)
def fair_create(request: ApiRequest, payload: FairIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    require_recorder(user)
    site = writable_site(user, payload.site)
    place = _place(site, payload)
    attendance = _attendance(payload)
    fair = _saving(
        "attendance",
        lambda: services.fair_create(
            site=site,
            place=place,
            planned_on=payload.planned_on,
            held_on=payload.held_on,
            attendance=attendance,
            venue=payload.venue,
            by=user,
        ),
    )
    return 201, _fair_out(fair)


@router.post(
    "/outreach/fairs/{uuid:fair_id}/counts",
    response={200: FairOut, 403: Detail, 404: Detail, 409: Detail, 422: FieldErrors},
    summary="Record a fair as held, with its visitors",
)
def fair_counts(request: ApiRequest, fair_id: UUID, payload: CountsIn) -> dict[str, Any]:
    """The date the fair was held and its visitors, replacing any counted before."""
    fair = queries.fair_for(request.auth, fair_id)
    _writable(request, fair)
    attendance = _counts(payload)
    _saving(
        "attendance",
        lambda: services.fair_record(
            fair=fair,
            attendance=attendance,
            held_on=payload.held_on,
            by=request.auth,
            version=payload.version,
        ),
    )
    return _fair_out(queries.fair_for(request.auth, fair_id))


@router.get(
    "/outreach/fairs/{uuid:fair_id}",
    response={200: FairOut, 403: Detail, 404: Detail},
    summary="Read a fair",
)
def fair_read(request: ApiRequest, fair_id: UUID) -> dict[str, Any]:
    return _fair_out(queries.fair_for(request.auth, fair_id))


# Trainings
# =============================================================================================


@router.get(
    "/outreach/trainings", response=list[TrainingOut], summary="Trainings of agents in scope"
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def training_list(request: ApiRequest, filters: Query[ActivityFilters]) -> PageMapped:
    found = _filtered(Training, request, filters).select_related("curriculum")
    return _mapped(found, _training_out)


@router.post(
    "/outreach/trainings",
    response={201: TrainingOut, 403: Detail, 409: Detail, 422: FieldErrors},
    summary="Plan a training",
)
def training_create(request: ApiRequest, payload: TrainingIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    require_recorder(user)
    site = writable_site(user, payload.site)
    place = _place(site, payload)
    curriculum = Curriculum.objects.filter(code=payload.curriculum, deleted_at__isnull=True).first()
    if curriculum is None:
        raise field_error("curriculum", gettext("No curriculum has this code."), "invalid_choice")
    training = _saving(
        "held_on",
        lambda: services.training_create(
            site=site,
            curriculum=curriculum,
            place=place,
            planned_on=payload.planned_on,
            held_on=payload.held_on,
            trainer=payload.trainer,
            by=user,
        ),
    )
    return 201, _training_out(training)


@router.get(
    "/outreach/trainings/{uuid:training_id}",
    response={200: TrainingOut, 403: Detail, 404: Detail},
    summary="Read a training",
)
def training_read(request: ApiRequest, training_id: UUID) -> dict[str, Any]:
    return _training_out(queries.training_for(request.auth, training_id))

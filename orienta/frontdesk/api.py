"""API routes of the front desk: themes and visits."""

from datetime import date
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import (
    access_log_search,
)
from orienta.core.api import require_recorder, writable_site
from orienta.core.models import Site, Theme, User
from orienta.core.scoping import can_change_visit
from orienta.core.types import ApiRequest
from orienta.frontdesk.audit import log_visit_read
from orienta.frontdesk.forms import (
    CORRECTED,
    AnonymousVisitForm,
    VisitForm,
    corrected_values,
    correction_form,
)
from orienta.frontdesk.models import Visit, VisitQuerySet
from orienta.frontdesk.queries import day_bounds, visit_version_for
from orienta.frontdesk.schemas import (
    ThemeOut,
    VisitCorrectIn,
    VisitFilters,
    VisitIn,
    VisitOut,
    VisitVoidIn,
)
from orienta.frontdesk.services import visit_correct, visit_record, visit_void
from orienta.lib.api.errors import Detail, FieldErrors, field_error, form_errors
from orienta.lib.api.pagination import Pages, counted
from orienta.people.models import Person
from orienta.people.queries import person_for

router = Router(tags=["front desk"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


@router.get("/themes", response=list[ThemeOut], summary="Themes of requests")
def theme_list(request: ApiRequest) -> QuerySet[Theme]:
    """The active themes, in their configured order."""
    return Theme.objects.active()


def _on_day(visits: VisitQuerySet, user: User, day: date) -> VisitQuerySet:
    """Visits on a calendar day, each in the time zone of its site."""
    zones = Site.objects.visible_to(user).order_by().values_list("timezone", flat=True).distinct()
    cond = Q(pk__in=[])
    for zone in zones:
        start, end = day_bounds(zone, day)
        cond |= Q(site__timezone=zone, occurred_at__gte=start, occurred_at__lt=end)
    return visits.filter(cond)


@router.get("/visits", response=list[VisitOut], summary="Visits in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def visit_list(request: ApiRequest, filters: Query[VisitFilters]) -> QuerySet[Visit]:
    """Visits in scope as they stand (their current versions: neither corrected since nor
    voided), newest first, optionally of one site, one person or one day."""
    visits = Visit.objects.visible_to(request.auth).current()
    if filters.site:
        visits = visits.filter(site__code=filters.site.strip().upper())
    if filters.person:
        visits = visits.filter(person_id=filters.person)
    if filters.date:
        visits = _on_day(visits, request.auth, filters.date)
    given = urlencode(filters.model_dump(exclude_none=True))
    total = visits.count()
    access_log_search(
        request, query=given, results=total, object_type="visit", person_id=filters.person
    )
    return counted(
        visits.select_related("site", "person", "agent")
        .prefetch_related("themes")
        .order_by("-occurred_at"),
        total,
    )


def _visited_person(user: User, person_id: UUID | None) -> Person | None:
    if person_id is None:
        return None
    try:
        return person_for(user, person_id)
    except Http404:
        raise field_error(
            "person",
            gettext("This person does not exist, or you are not allowed to see them."),
            "invalid_choice",
        ) from None


@router.post(
    "/visits", response={201: VisitOut, 403: Detail, 422: FieldErrors}, summary="Record a visit"
)
def visit_create(request: ApiRequest, payload: VisitIn) -> tuple[int, Visit]:
    """Record a visit of a registered person, or an anonymous one when `person` is left out."""
    user = request.auth
    site = writable_site(user, payload.site)
    person = _visited_person(user, payload.person)
    form_class = VisitForm if person else AnonymousVisitForm
    form = form_class(data=payload.model_dump(exclude={"site", "person"}))
    if not form.is_valid():
        raise form_errors(form)
    visit = visit_record(site=site, by=user, data=form.cleaned_data, person=person)
    return 201, visit


def _visit_to_change(request: ApiRequest, visit_id: UUID) -> Visit:
    """403 for a role that records no visits, 404 out of scope, 403 for a visit neither the
    caller's nor of a site they manage."""
    user = request.auth
    require_recorder(user)
    visit = visit_version_for(user, visit_id)
    if not can_change_visit(user, visit):
        raise PermissionDenied
    log_visit_read(request, visit)
    return visit


CHANGES = {
    201: VisitOut,
    403: Detail,
    404: Detail,
    409: Detail,
    422: FieldErrors,
}


@router.post("/visits/{uuid:visit_id}/correct", response=CHANGES, summary="Correct a visit")
def visit_correct_route(
    request: ApiRequest, visit_id: UUID, payload: VisitCorrectIn
) -> tuple[int, Visit]:
    """Record a corrected version of the visit, which supersedes it: the fields given change,
    the others stay, and `reason` says why. The visit's author or a manager of its site only.
    The earlier version is kept in the visit's history; lists and counts read the new one.
    409 when the visit was corrected or voided since it was read."""
    visit = _visit_to_change(request, visit_id)
    changes = payload.model_dump(exclude={"reason"}, exclude_none=True)
    current = {f: getattr(visit, f) for f in CORRECTED}
    current["themes"] = [t.pk for t in visit.themes.all()]
    form = correction_form(visit, current | changes)
    if not form.is_valid():
        raise form_errors(form)
    version = visit_correct(
        visit=visit, by=request.auth, data=corrected_values(form), reason=payload.reason
    )
    return 201, version


@router.post("/visits/{uuid:visit_id}/void", response=CHANGES, summary="Void a visit")
def visit_void_route(
    request: ApiRequest, visit_id: UUID, payload: VisitVoidIn
) -> tuple[int, Visit]:
    """Void a visit recorded by mistake: a last version, with `voided_at` and the reason,
    supersedes it. The visit no longer counts nor is listed; its history keeps every version.
    The visit's author or a manager of its site only; 409 when it changed since it was read."""
    visit = _visit_to_change(request, visit_id)
    return 201, visit_void(visit=visit, by=request.auth, reason=payload.reason)

"""API routes of the front desk: themes and visits."""

from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import access_log_search
from orienta.core.api import writable_site
from orienta.core.models import Site, Theme
from orienta.frontdesk.forms import AnonymousVisitForm, VisitForm
from orienta.frontdesk.models import Visit
from orienta.frontdesk.queries import day_bounds
from orienta.frontdesk.schemas import ThemeOut, VisitFilters, VisitIn, VisitOut
from orienta.frontdesk.services import visit_record
from orienta.lib.api.errors import Detail, FieldErrors, field_error, form_errors
from orienta.lib.api.pagination import Pages, counted
from orienta.people.queries import person_for

router = Router(tags=["front desk"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


@router.get("/themes", response=list[ThemeOut], summary="Themes of requests")
def theme_list(request):
    """The active themes, in their configured order."""
    return Theme.objects.active()


def _on_day(visits, user, day):
    """Visits on a calendar day, each in the time zone of its site."""
    zones = Site.objects.visible_to(user).order_by().values_list("timezone", flat=True).distinct()
    cond = Q(pk__in=[])
    for zone in zones:
        start, end = day_bounds(zone, day)
        cond |= Q(site__timezone=zone, occurred_at__gte=start, occurred_at__lt=end)
    return visits.filter(cond)


@router.get("/visits", response=list[VisitOut], summary="Visits in scope")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def visit_list(request, filters: Query[VisitFilters]):
    """Visits in scope, newest first, optionally of one site, one person or one day."""
    visits = Visit.objects.visible_to(request.auth)
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


def _visited_person(user, person_id):
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
def visit_create(request, payload: VisitIn):
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

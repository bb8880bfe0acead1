"""API routes of the families app, mounted under /api/v1/ by orienta.api.v1."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.audit.services import access_log_read, access_log_search
from orienta.core.types import ApiRequest
from orienta.families import queries, services
from orienta.families.access import reads_instruments, works_on_families
from orienta.families.models import Assessment, Enrolment
from orienta.families.schemas import (
    AssessmentIn,
    AssessmentOut,
    EnrolmentIn,
    EnrolmentOut,
    HouseholdFilter,
    InstrumentOut,
    assessment_out,
    enrolment_out,
    instrument_out,
)
from orienta.lib.api.errors import Detail, FieldErrors, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.people.models import Household, Person

router = Router(tags=["families"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
WRITE = {403: Detail, 404: Detail, 409: Detail, 422: FieldErrors}


def _worker(request: ApiRequest) -> None:
    if not works_on_families(request.auth):
        raise PermissionDenied


def _household(request: ApiRequest, code: str) -> Household:
    found = queries.household_by_code_for(request.auth, code.strip())
    if found is None:
        raise field_error(
            "household",
            gettext("This household does not exist, or you do not work on its site."),
            "invalid_choice",
        )
    head = queries.heads([found.pk]).get(found.pk)
    if head is not None:
        access_log_read(request, head, object_type="household", object_id=found.pk)
    return found


@router.get("/families/instruments", response=list[InstrumentOut], summary="Assessment instruments")
def instrument_list(request: ApiRequest) -> list[dict[str, Any]]:
    """The current version of every country's instruments (`?all` is not offered: a version an
    assessment used is in that assessment)."""
    if not reads_instruments(request.auth):
        raise PermissionDenied
    found = queries.instruments(request.auth).filter(retired_at__isnull=True)
    return [instrument_out(i) for i in found.order_by("country__code", "code")[:200]]


def _assessments(request: ApiRequest, household: str | None) -> Any:
    found = queries.assessments(request.auth).select_related("household", "site", "instrument")
    if household:
        found = found.filter(household=_household(request, household))
    return found.order_by("-assessed_on", "-created_at")


@router.get("/families/assessments", response=list[AssessmentOut], summary="Assessments")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def assessment_list(request: ApiRequest, filters: Query[HouseholdFilter]) -> PageMapped:
    """Assessments of the households of the caller's sites (site staff), the latest first."""
    _worker(request)
    found = _assessments(request, filters.household)
    total = found.count()
    access_log_search(
        request,
        query=f"household={filters.household or ''}",
        results=total,
        object_type="household",
    )
    return PageMapped(found, total, lambda items: [assessment_out(a) for a in items])


@router.post(
    "/families/assessments",
    response={201: AssessmentOut, **WRITE},
    summary="Assess a household",
)
def assessment_create(request: ApiRequest, payload: AssessmentIn) -> tuple[int, dict[str, Any]]:
    """Answers in, the computed `score`, `category` and `dimensions` out."""
    _worker(request)
    household = _household(request, payload.household)
    services.check_writer(request.auth, household.site)
    instrument = queries.current_instruments(household.site).filter(pk=payload.instrument).first()
    if instrument is None:
        raise field_error(
            "instrument",
            gettext("Choose the current instrument of the household's country."),
            "invalid_choice",
        )
    respondent = None
    if payload.respondent:
        respondent = Person.objects.filter(
            code=payload.respondent,
            memberships__household=household,
            memberships__left_on__isnull=True,
        ).first()
        if respondent is None:
            raise field_error(
                "respondent",
                gettext("The person who answered must be a member of the household."),
                "invalid_choice",
            )
    made = services.assessment_record(
        household=household,
        instrument=instrument,
        answers=payload.answers,
        by=request.auth,
        assessed_on=payload.assessed_on,
        respondent=respondent,
        notes=payload.notes,
    )
    made = Assessment.objects.select_related("household", "site", "instrument").get(pk=made.pk)
    return 201, assessment_out(made)


@router.get("/families/enrolments", response=list[EnrolmentOut], summary="Enrolments")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def enrolment_list(request: ApiRequest, filters: Query[HouseholdFilter]) -> PageMapped:
    """Accompaniments of the households of the caller's sites, the latest first."""
    _worker(request)
    found = queries.enrolments(request.auth).select_related("household", "site")
    if filters.household:
        found = found.filter(household=_household(request, filters.household))
    found = found.order_by("-enrolled_on", "-created_at")
    total = found.count()
    access_log_search(
        request,
        query=f"household={filters.household or ''}",
        results=total,
        object_type="household",
    )
    return PageMapped(found, total, lambda items: [enrolment_out(e) for e in items])


@router.post(
    "/families/enrolments", response={201: EnrolmentOut, **WRITE}, summary="Accompany a household"
)
def enrolment_create(request: ApiRequest, payload: EnrolmentIn) -> tuple[int, dict[str, Any]]:
    _worker(request)
    household = _household(request, payload.household)
    made = services.enrolment_open(
        household=household,
        by=request.auth,
        criteria=payload.criteria,
        consent=payload.consent,
        reassess_months=payload.reassess_months,
        enrolled_on=payload.enrolled_on,
    )
    made = Enrolment.objects.select_related("household", "site").get(pk=made.pk)
    return 201, enrolment_out(made)

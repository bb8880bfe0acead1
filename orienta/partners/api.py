"""API routes of the partners app, mounted under /api/v1/ by orienta.api.v1."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.pagination import paginate

from orienta.core.access import coordinates_country
from orienta.core.models import Area, Country, Organisation
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import Detail, FieldErrors, field_error
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.partners import queries, services
from orienta.partners.access import (
    edits_partner,
    edits_partners,
    reads_contacts,
    reads_partners,
    registers_partners,
)
from orienta.partners.models import (
    Application,
    Assessment,
    Contact,
    Grant,
    PlanAction,
    Profile,
)
from orienta.partners.schemas import (
    ApplicationOut,
    AssessmentIn,
    AssessmentOut,
    CsoFilter,
    GrantIn,
    GrantOut,
    OrganisationIn,
    OrganisationOut,
    PlanActionOut,
    application_out,
    assessment_out,
    grant_out,
    organisation_out,
    plan_action_out,
)

router = Router(tags=["partners"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
WRITE = {403: Detail, 404: Detail, 409: Detail, 422: FieldErrors}


def _reader(request: ApiRequest) -> None:
    if not reads_partners(request.auth):
        raise PermissionDenied


def _writable(request: ApiRequest, pk: UUID) -> Organisation:
    """The CSO of the body, in scope and editable by the caller: a 422 on the field otherwise
    (an organisation out of scope reads as one that does not exist)."""
    if not edits_partners(request.auth):
        raise PermissionDenied
    found = queries.csos(request.auth).filter(pk=pk).first()
    if found is None or not edits_partner(request.auth, found):
        raise field_error(
            "organisation",
            gettext("This organisation does not exist, or you do not manage it."),
            "invalid_choice",
        )
    return found


def _organisations(request: ApiRequest, qs: QuerySet[Organisation]) -> PageMapped:
    def out(items: list[Organisation]) -> list[dict[str, Any]]:
        profiles = {
            p.organisation_id: p
            for p in Profile.objects.filter(
                organisation__in=[o.pk for o in items]
            ).prefetch_related("areas")
        }
        contacts = queries.contacts_of([o.pk for o in items if reads_contacts(request.auth, o)])
        return [organisation_out(o, profiles.get(o.pk), contacts.get(o.pk)) for o in items]

    return PageMapped(qs, qs.count(), out)


@router.get(
    "/partners/organisations", response=list[OrganisationOut], summary="Partner CSOs in scope"
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def organisation_list(request: ApiRequest) -> PageMapped:
    """The CSOs the caller works with: a CSO's own, a coordinator's country's, or all (M&E)."""
    _reader(request)
    found = queries.csos(request.auth).prefetch_related("sites").order_by("country__code", "name")
    return _organisations(request, found)


@router.get(
    "/partners/organisations/{uuid:organisation_id}",
    response={200: OrganisationOut, 403: Detail, 404: Detail},
    summary="Read a partner CSO",
)
def organisation_read(request: ApiRequest, organisation_id: UUID) -> dict[str, Any]:
    _reader(request)
    found = queries.cso_for(request.auth, organisation_id)
    contacts = queries.contacts(found) if reads_contacts(request.auth, found) else None
    return organisation_out(found, services.profile_of(found), contacts)


@router.post(
    "/partners/organisations",
    response={201: OrganisationOut, **WRITE},
    summary="Register a partner CSO",
)
def organisation_create(request: ApiRequest, payload: OrganisationIn) -> tuple[int, dict[str, Any]]:
    """A coordinator registers a CSO of their country, headquarters one of the `country`
    given (`area`: the code of one of the country's areas)."""
    user = request.auth
    if not registers_partners(user):
        raise PermissionDenied
    country = user.country if coordinates_country(user) else None
    if country is None:
        country = Country.objects.filter(code=(payload.country or "").upper()).first()
        if country is None:
            raise field_error("country", gettext("Choose a country."), "invalid_choice")
    area = None
    if payload.area:
        area = Area.objects.filter(code=payload.area, country=country).first()
        if area is None:
            raise field_error(
                "area", gettext("Choose an area of the organisation's country."), "invalid_choice"
            )
    made = services.cso_register(country=country, name=payload.name, area=area, by=user)
    contacts: list[Contact] | None = [] if reads_contacts(user, made) else None
    return 201, organisation_out(made, services.profile_of(made), contacts)


def _filtered(request: ApiRequest, qs: QuerySet[Any], organisation: UUID | None) -> QuerySet[Any]:
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation)
    return qs


@router.get("/partners/assessments", response=list[AssessmentOut], summary="Capacity assessments")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def assessment_list(request: ApiRequest, filters: Query[CsoFilter]) -> PageMapped:
    """The assessments of the CSOs in scope, the latest first; `organisation` narrows them."""
    _reader(request)
    found = _filtered(request, queries.assessments(request.auth), filters.organisation)
    found = found.order_by("-assessed_on", "-created_at")
    return PageMapped(found, found.count(), lambda items: [assessment_out(a) for a in items])


@router.get(
    "/partners/assessments/{uuid:assessment_id}",
    response={200: AssessmentOut, 403: Detail, 404: Detail},
    summary="Read a capacity assessment",
)
def assessment_read(request: ApiRequest, assessment_id: UUID) -> dict[str, Any]:
    _reader(request)
    return assessment_out(queries.assessment_for(request.auth, assessment_id))


@router.post(
    "/partners/assessments", response={201: AssessmentOut, **WRITE}, summary="Assess a CSO"
)
def assessment_create(request: ApiRequest, payload: AssessmentIn) -> tuple[int, dict[str, Any]]:
    """Consensus scores in (every statement of the current tool), the area averages, stages,
    overall average and stage out."""
    organisation = _writable(request, payload.organisation)
    tool = services.current_tool()
    if tool is None:
        raise services.PartnerRefused(gettext("No assessment tool is set yet."))
    made = services.assessment_record(
        organisation=organisation,
        tool=tool,
        scores={code: s.dict() for code, s in payload.scores.items()},
        by=request.auth,
        assessed_on=payload.assessed_on,
        facilitator=payload.facilitator,
        participants=payload.participants,
        notes=payload.notes,
    )
    made = Assessment.objects.select_related("tool").get(pk=made.pk)
    return 201, assessment_out(made)


@router.get("/partners/grants", response=list[GrantOut], summary="Sub-grants")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def grant_list(request: ApiRequest, filters: Query[CsoFilter]) -> PageMapped:
    """The sub-grants of the CSOs in scope, with their tranches and reports."""
    _reader(request)
    found = _filtered(request, queries.grants(request.auth), filters.organisation)
    found = found.prefetch_related("tranches", "reports").order_by("-starts_on", "-created_at")
    return PageMapped(found, found.count(), lambda items: [grant_out(g) for g in items])


@router.get(
    "/partners/grants/{uuid:grant_id}",
    response={200: GrantOut, 403: Detail, 404: Detail},
    summary="Read a sub-grant",
)
def grant_read(request: ApiRequest, grant_id: UUID) -> dict[str, Any]:
    _reader(request)
    return grant_out(queries.grant_for(request.auth, grant_id))


@router.post("/partners/grants", response={201: GrantOut, **WRITE}, summary="Record a sub-grant")
def grant_create(request: ApiRequest, payload: GrantIn) -> tuple[int, dict[str, Any]]:
    organisation = _writable(request, payload.organisation)
    made = services.grant_create(
        organisation=organisation,
        reference=payload.reference,
        purpose=payload.purpose,
        amount=payload.amount,
        currency=payload.currency,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        by=request.auth,
    )
    return 201, grant_out(Grant.objects.get(pk=made.pk))


# Funding applications and capacity-development plans: read only (the pages write them)
# =============================================================================================


@router.get("/partners/applications", response=list[ApplicationOut], summary="Funding applications")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def application_list(request: ApiRequest, filters: Query[CsoFilter]) -> PageMapped:
    """The funding applications of the CSOs in scope, the latest first."""
    _reader(request)
    found = _filtered(request, Application.objects.visible_to(request.auth), filters.organisation)
    found = found.order_by("-created_at")
    return PageMapped(found, found.count(), lambda items: [application_out(a) for a in items])


@router.get(
    "/partners/applications/{uuid:application_id}",
    response={200: ApplicationOut, 403: Detail, 404: Detail},
    summary="Read a funding application",
)
def application_read(request: ApiRequest, application_id: UUID) -> dict[str, Any]:
    _reader(request)
    return application_out(queries.application_for(request.auth, application_id))


@router.get(
    "/partners/actions", response=list[PlanActionOut], summary="Capacity-development plan actions"
)
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def plan_action_list(request: ApiRequest, filters: Query[CsoFilter]) -> PageMapped:
    """The actions of the capacity-development plans of the CSOs in scope, by due date."""
    _reader(request)
    found = _filtered(request, PlanAction.objects.visible_to(request.auth), filters.organisation)
    found = found.order_by("due_on", "created_at")
    return PageMapped(found, found.count(), lambda items: [plan_action_out(a) for a in items])


@router.get(
    "/partners/actions/{uuid:action_id}",
    response={200: PlanActionOut, 403: Detail, 404: Detail},
    summary="Read a capacity-development plan action",
)
def plan_action_read(request: ApiRequest, action_id: UUID) -> dict[str, Any]:
    _reader(request)
    return plan_action_out(queries.action_for(request.auth, action_id))

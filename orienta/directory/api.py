"""The directory as the read-only HSDS 3.0 API, under /api/v1/hsds/ (see the HSDS openapi.json).

Lists are HSDS pages: total_items, total_pages, page_number, size, first_page, last_page, empty,
contents. Scope: the countries the caller works in (HQ roles all; a provider its organisation).
"""

import math
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from ninja import Router

from orienta.core.access import is_provider
from orienta.core.models import Organisation, Theme
from orienta.core.types import ApiRequest
from orienta.directory import hsds
from orienta.directory.models import Service, ServiceAtLocation, ServiceQuerySet

router = Router(tags=["hsds"])

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


def page_of(
    items: list[Any] | QuerySet[Any],
    *,
    page: int,
    per_page: int,
    render: Callable[[Any], dict[str, Any]],
) -> dict:
    """An HSDS Page of `items` (a queryset or a list), each rendered with `render`."""
    per_page = max(1, min(per_page or DEFAULT_PER_PAGE, MAX_PER_PAGE))
    total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    pages = max(1, math.ceil(total / per_page))
    number = max(1, page or 1)
    start = (number - 1) * per_page
    contents = [render(item) for item in items[start : start + per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _services(request: ApiRequest) -> ServiceQuerySet:
    return Service.objects.visible_to(request.auth)


def _theme_for_term(term_id: str) -> Theme | None:
    for theme in Theme.objects.all():
        if hsds.term_id(theme.code) == term_id:
            return theme
    return None


def _filter_services(
    qs: ServiceQuerySet,
    *,
    search: str,
    taxonomy_term_id: str,
    taxonomy_id: str,
    organization_id: str,
    after: str,
) -> ServiceQuerySet:
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(description__icontains=search)
            | Q(organisation__name__icontains=search)
        )
    if taxonomy_term_id:
        theme = _theme_for_term(taxonomy_term_id)
        qs = qs.filter(themes=theme) if theme else qs.none()
    if taxonomy_id and taxonomy_id != hsds.TAXONOMY_ID:
        qs = qs.none()
    if organization_id:
        org = _uuid(organization_id)
        qs = qs.filter(organisation_id=org) if org else qs.none()
    if after:
        moment = parse_datetime(after)
        qs = qs.filter(updated_at__gte=moment) if moment else qs.none()
    return qs.distinct()


@router.get("/hsds/", summary="About this HSDS API")
def hsds_root(request: ApiRequest) -> dict[str, Any]:
    return {
        "version": "3.0",
        "profile": "https://docs.openreferral.org/en/v3.0/hsds/overview.html",
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
    }


@router.get("/hsds/services", summary="HSDS services (paginated)")
def hsds_services(
    request: ApiRequest,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    search: str = "",
    taxonomy_term_id: str = "",
    taxonomy_id: str = "",
    organization_id: str = "",
    modified_after: str = "",
    full: bool = False,
) -> dict[str, Any]:
    qs = _filter_services(
        _services(request),
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        organization_id=organization_id,
        after=modified_after,
    )
    # A list item reads none of a service's nested lists: only the full ones prefetch them.
    qs = (hsds.with_relations(qs) if full else hsds.list_relations(qs)).order_by("name", "id")
    render = hsds.service if full else hsds.service_list_item
    return page_of(qs, page=page, per_page=per_page, render=render)


@router.get("/hsds/services/{service_id}", summary="One HSDS service, fully nested")
def hsds_service(request: ApiRequest, service_id: str) -> dict[str, Any]:
    pk = _uuid(service_id)
    svc = hsds.with_relations(_services(request).filter(pk=pk)).first() if pk else None
    if svc is None:
        raise Http404
    return hsds.service(svc)


def _organisations(request: ApiRequest) -> QuerySet[Organisation]:
    user = request.auth
    qs = Organisation.objects.visible_to(user)
    if not is_provider(user):
        # Organisations listed in the directory: those with a service in scope.
        qs = qs.filter(services__in=_services(request)).distinct()
    return qs.select_related("country", "area", "profile")


@router.get("/hsds/organizations", summary="HSDS organizations (paginated)")
def hsds_organizations(
    request: ApiRequest, page: int = 1, per_page: int = DEFAULT_PER_PAGE, search: str = ""
) -> dict[str, Any]:
    qs = _organisations(request).order_by("name", "id")
    if search:
        qs = qs.filter(name__icontains=search)
    return page_of(qs, page=page, per_page=per_page, render=hsds.organization_list_item)


@router.get("/hsds/organizations/{organization_id}", summary="One HSDS organization")
def hsds_organization(request: ApiRequest, organization_id: str) -> dict[str, Any]:
    pk = _uuid(organization_id)
    org = _organisations(request).filter(pk=pk).first() if pk else None
    if org is None:
        raise Http404
    obj = hsds.organization(org)
    services = hsds.with_relations(_services(request).filter(organisation=org)).order_by("name")
    obj["services"] = [hsds.service(svc) for svc in services]
    return obj


@router.get("/hsds/service_at_locations", summary="HSDS services at locations (paginated)")
def hsds_service_at_locations(
    request: ApiRequest,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    search: str = "",
    taxonomy_term_id: str = "",
    organization_id: str = "",
) -> dict[str, Any]:
    services = _filter_services(
        _services(request),
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id="",
        organization_id=organization_id,
        after="",
    )
    qs = _service_at_locations(services).order_by("service__name", "id")
    return page_of(qs, page=page, per_page=per_page, render=_render_sal)


def _service_at_locations(services: QuerySet[Service]) -> QuerySet[ServiceAtLocation]:
    return (
        ServiceAtLocation.objects.filter(service__in=services, deleted_at__isnull=True)
        .select_related("location__site", "location__area", "service__organisation__country")
        .prefetch_related("schedules", "service__permanences")
    )


def _render_sal(sal: ServiceAtLocation) -> dict[str, Any]:
    offset = hsds.utc_offset(sal.service.organisation.country.timezone)
    return hsds.service_at_location(sal, offset)


@router.get(
    "/hsds/service_at_locations/{service_at_location_id}",
    summary="One HSDS service at a location",
)
def hsds_service_at_location(request: ApiRequest, service_at_location_id: str) -> dict[str, Any]:
    pk = _uuid(service_at_location_id)
    sal = _service_at_locations(_services(request)).filter(pk=pk).first() if pk else None
    if sal is None:
        raise Http404
    obj = _render_sal(sal)
    obj["service"] = hsds.service_list_item(sal.service)
    return obj


@router.get("/hsds/taxonomies", summary="HSDS taxonomies (the programme's themes)")
def hsds_taxonomies(
    request: ApiRequest, page: int = 1, per_page: int = DEFAULT_PER_PAGE
) -> dict[str, Any]:
    return page_of([hsds.taxonomy()], page=page, per_page=per_page, render=lambda t: t)


@router.get("/hsds/taxonomies/{taxonomy_id}", summary="One HSDS taxonomy")
def hsds_taxonomy(request: ApiRequest, taxonomy_id: str) -> dict[str, Any]:
    if taxonomy_id != hsds.TAXONOMY_ID:
        raise Http404
    return hsds.taxonomy()


@router.get("/hsds/taxonomy_terms/{taxonomy_term_id}", summary="One HSDS taxonomy term")
def hsds_taxonomy_term(request: ApiRequest, taxonomy_term_id: str) -> dict[str, Any]:
    theme = _theme_for_term(taxonomy_term_id)
    if theme is None:
        raise Http404
    return hsds.taxonomy_term(theme)


@router.get("/hsds/taxonomy_terms", summary="HSDS taxonomy terms (the themes)")
def hsds_taxonomy_terms(
    request: ApiRequest,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    search: str = "",
    taxonomy_id: str = "",
) -> dict[str, Any]:
    themes = list(Theme.objects.active().order_by("position", "code"))
    if search:
        needle = search.lower()
        themes = [
            t for t in themes if needle in f"{t.name_en} {t.name_fr} {t.name_pt} {t.code}".lower()
        ]
    if taxonomy_id and taxonomy_id != hsds.TAXONOMY_ID:
        themes = []
    return page_of(themes, page=page, per_page=per_page, render=hsds.taxonomy_term)

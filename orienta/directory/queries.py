"""Reads of the service directory."""

from datetime import date, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from orienta.core.models import Area, Site, Theme
from orienta.core.types import AnyUser
from orienta.directory.models import (
    DAY_CODES,
    Permanence,
    PermanenceQuerySet,
    Service,
    ServiceQuerySet,
)


def service_for(user: AnyUser, pk: UUID | str) -> Service:
    service = (
        Service.objects.visible_to(user)
        .select_related("organisation__country")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404
    return service


def service_search(
    user: AnyUser,
    *,
    text: str = "",
    theme: Theme | None = None,
    area: Area | None = None,
    free_only: bool = False,
    open_now: bool = False,
    now: datetime | None = None,
) -> ServiceQuerySet:
    qs = Service.objects.visible_to(user).exclude(status=Service.Status.DEFUNCT)
    if text:
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(alternate_name__icontains=text)
        )
    if theme:
        qs = qs.filter(themes=theme)
    if area:
        qs = qs.filter(
            Q(service_areas=area)
            | Q(service_areas__parent=area)
            | Q(organisation__area=area)
            | Q(service_at_locations__location__area=area)
        )
    if free_only:
        qs = qs.exclude(cost_options__amount__gt=0, cost_options__deleted_at__isnull=True)
    if open_now:
        qs = qs.filter(pk__in=open_now_ids(qs, now or timezone.now()))
    return (
        qs.distinct()
        .select_related("organisation__country")
        .prefetch_related("themes", "cost_options")
    )


def _local(now: datetime, tz_name: str) -> tuple[str, time]:
    local = now.astimezone(ZoneInfo(tz_name))
    return DAY_CODES[local.weekday()], local.time()


def open_now_ids(qs: QuerySet[Service], now: datetime) -> list[UUID]:
    """Services open at `now`, in the time zone of their place (a site's, else the country's)."""
    ids = []
    for service in qs.prefetch_related(
        "schedules__service_at_location__location__site",
        "permanences__site",
    ).select_related("organisation__country"):
        if _is_open(service, now):
            ids.append(service.pk)
    return ids


def _is_open(service: Service, now: datetime) -> bool:
    country_tz = service.organisation.country.timezone
    for schedule in service.schedules.all():
        sal = schedule.service_at_location
        site = sal.location.site if sal and sal.location.site_id else None
        day, clock = _local(now, site.timezone if site else country_tz)
        if day in schedule.weekdays.split(",") and schedule.opens_at <= clock < schedule.closes_at:
            return True
    for perm in service.permanences.all():
        if perm.deleted_at is not None:
            continue
        day, clock = _local(now, perm.site.timezone)
        local_date = now.astimezone(ZoneInfo(perm.site.timezone)).date()
        valid = (not perm.valid_from or perm.valid_from <= local_date) and (
            not perm.valid_to or perm.valid_to >= local_date
        )
        if valid and DAY_CODES[perm.weekday] == day and perm.opens_at <= clock < perm.closes_at:
            return True
    return False


def site_permanences(site: Site, on: date | None = None) -> PermanenceQuerySet:
    on = on or timezone.localdate()
    return (
        Permanence.objects.current(on)
        .filter(site=site, service__deleted_at__isnull=True)
        .select_related("service__organisation")
        .order_by("weekday", "opens_at")
    )


def site_directory(site: Site) -> ServiceQuerySet:
    """Active services for a site's printable directory: those serving the site's area (or
    with no service area given), and those holding a permanence at the site."""
    areas = [site.area_id] + ([site.area.parent_id] if site.area.parent_id else [])
    return (
        Service.objects.filter(
            deleted_at__isnull=True,
            status=Service.Status.ACTIVE,
            organisation__country_id=site.country_id,
        )
        .filter(
            Q(service_areas__isnull=True)
            | Q(service_areas__in=areas)
            | Q(permanences__site=site, permanences__deleted_at__isnull=True)
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("themes", "cost_options", "schedules", "permanences__site")
        .order_by("name")
    )

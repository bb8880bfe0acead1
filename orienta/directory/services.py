"""Writes in the service directory."""

from collections.abc import Iterable
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orienta.core.access import coordinates_country, edits_directory, edits_every_country
from orienta.core.models import Area, Country, Organisation, Site, Theme, User
from orienta.core.services import StaleEdit, event_log
from orienta.core.types import AnyUser
from orienta.directory.models import (
    Contact,
    CostOption,
    Location,
    OrganisationProfile,
    Permanence,
    Schedule,
    Service,
    ServiceAtLocation,
)

SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "response_days",
    "application_process",
    "fees_description",
    "required_documents",
    "languages",
    "minimum_age",
    "maximum_age",
    "eligible_sex",
    "eligibility_description",
)


def editable_countries(user: AnyUser | None) -> QuerySet[Country]:
    """Countries whose directory a user may edit: a manager's and a coordinator's own; HQ all."""
    if not edits_directory(user):
        return Country.objects.none()
    if edits_every_country(user):
        return Country.objects.all()
    return Country.objects.filter(pk__in=_own_country_ids(user))


def _own_country_ids(user: User) -> list[UUID]:
    """A coordinator's country; a manager's, those of their sites (read once a request)."""
    if coordinates_country(user):
        return [user.country_id] if user.country_id else []
    return sorted({site.country_id for site in user.own_sites()})


def can_edit(user: AnyUser | None, country: Country | None = None) -> bool:
    if edits_directory(user) and not edits_every_country(user):
        # Without a query: every page of a manager's asks (the worklist, the directory).
        ids = _own_country_ids(user)
        return bool(ids) if country is None else country.pk in ids
    countries = editable_countries(user)
    if country is None:
        return countries.exists()
    return countries.filter(pk=country.pk).exists()


def _check(by: AnyUser | None, organisation: Organisation) -> None:
    if not can_edit(by, organisation.country):
        raise PermissionDenied


def organisation_currency(organisation: Organisation) -> str:
    return organisation.country.currency


ORGANISATION_FIELDS = ("name", "kind", "area", "contact_name", "phone", "email", "address")
PROFILE_FIELDS = ("alternate_name", "description", "website")


@transaction.atomic
def organisation_save(
    *, by: User, data: dict[str, Any], organisation: Organisation | None = None
) -> Organisation:
    """Create or update a partner organisation and its directory profile."""
    if organisation is not None:
        _check(by, organisation)
    if not can_edit(by, data["country"]):
        raise PermissionDenied
    organisation = organisation or Organisation(created_by=by)
    organisation.country = data["country"]
    for field in ORGANISATION_FIELDS:
        setattr(organisation, field, data[field])
    if organisation._state.adding:
        organisation.updated_by, organisation.updated_at = by, timezone.now()
    else:
        organisation.touch(by=by)
    organisation.full_clean()
    organisation.save()
    profile, _created = OrganisationProfile.objects.get_or_create(
        organisation=organisation, defaults={"created_by": by}
    )
    for field in PROFILE_FIELDS:
        setattr(profile, field, data.get(field, ""))
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    event_log(actor=by, verb="organisation.saved", obj=organisation)
    return organisation


@transaction.atomic
def service_create(
    *,
    by: User | None,
    organisation: Organisation,
    data: dict[str, Any],
    themes: Iterable[Theme] = (),
    areas: Iterable[Area] = (),
) -> Service:
    if by is not None:
        _check(by, organisation)
    service = Service(organisation=organisation, created_by=by, updated_by=by)
    for field in SERVICE_FIELDS:
        if field in data:
            setattr(service, field, data[field])
    service.full_clean()
    service.save()
    service.themes.set(themes)
    service.service_areas.set(areas)
    event_log(actor=by, verb="service.created", obj=service)
    return service


@transaction.atomic
def service_update(
    *,
    by: User,
    service: Service,
    data: dict[str, Any],
    version: int,
    themes: Iterable[Theme] | None = None,
    areas: Iterable[Area] | None = None,
) -> Service:
    _check(by, service.organisation)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.version != version:
        raise StaleEdit
    changed = []
    for field in SERVICE_FIELDS:
        if field in data and getattr(locked, field) != data[field]:
            setattr(locked, field, data[field])
            changed.append(field)
    locked.touch(by=by)
    locked.full_clean()
    locked.save()
    if themes is not None:
        locked.themes.set(themes)
    if areas is not None:
        locked.service_areas.set(areas)
    event_log(actor=by, verb="service.updated", obj=locked, data={"fields": changed})
    return locked


@transaction.atomic
def service_verify(*, by: User, service: Service, at: datetime | None = None) -> Service:
    """Record that someone checked the entry with the provider (clears the stale flag)."""
    _check(by, service.organisation)
    service.last_verified_at = at or timezone.now()
    service.last_verified_by = by
    service.touch(by=by)
    service.save()
    event_log(actor=by, verb="service.verified", obj=service)
    return service


@transaction.atomic
def cost_option_add(
    *,
    by: User | None,
    service: Service,
    option: str,
    amount: Decimal,
    currency: str | None = None,
    amount_description: str = "",
) -> CostOption:
    if by is not None:
        _check(by, service.organisation)
    cost = CostOption(
        service=service,
        option=option,
        amount=Decimal(amount),
        currency=currency or organisation_currency(service.organisation),
        amount_description=amount_description,
        created_by=by,
        updated_by=by,
    )
    cost.full_clean()
    cost.save()
    event_log(actor=by, verb="cost_option.added", obj=cost)
    return cost


@transaction.atomic
def cost_option_remove(*, by: User, cost: CostOption) -> None:
    _check(by, cost.service.organisation)
    event_log(actor=by, verb="cost_option.removed", obj=cost)
    cost.delete()


@transaction.atomic
def contact_add(*, by: User | None, service: Service, data: dict[str, Any]) -> Contact:
    if by is not None:
        _check(by, service.organisation)
    contact = Contact(service=service, created_by=by, updated_by=by, **data)
    contact.full_clean()
    contact.save()
    event_log(actor=by, verb="contact.added", obj=contact)
    return contact


@transaction.atomic
def contact_remove(*, by: User, contact: Contact) -> None:
    _check(by, contact.service.organisation)
    event_log(actor=by, verb="contact.removed", obj=contact)
    contact.delete()


@transaction.atomic
def place_add(*, by: User, service: Service, data: dict[str, Any]) -> ServiceAtLocation:
    """A place of the organisation where this service is delivered."""
    organisation = service.organisation
    location = location_create(
        by=by,
        organisation=organisation,
        data=data | {"country_code": organisation.country.code},
    )
    return service_at_location_add(by=by, service=service, location=location)


@transaction.atomic
def service_at_location_remove(*, by: User, link: ServiceAtLocation) -> None:
    """The service is no longer delivered at this place (its hours there go with it)."""
    _check(by, link.service.organisation)
    if link.location.site_id:
        link.service.permanences.filter(site_id=link.location.site_id).update(
            deleted_at=timezone.now(), updated_by=by
        )
    event_log(actor=by, verb="service_at_location.removed", obj=link)
    link.delete()


def site_location(site: Site) -> Location:
    """The directory location of a BIOSP site (made on first use)."""
    location = Location.objects.filter(site=site).first()
    if location is None:
        location = Location.objects.create(
            site=site,
            organisation=site.organisation,
            name=site.name,
            address_1=site.address,
            area=site.area,
            country_code=site.country.code,
        )
    return location


@transaction.atomic
def location_create(
    *, by: User | None, organisation: Organisation | None, data: dict[str, Any]
) -> Location:
    if by is not None and organisation is not None:
        _check(by, organisation)
    location = Location(organisation=organisation, created_by=by, updated_by=by, **data)
    location.full_clean()
    location.save()
    event_log(actor=by, verb="location.created", obj=location)
    return location


@transaction.atomic
def service_at_location_add(
    *, by: User | None, service: Service, location: Location, description: str = ""
) -> ServiceAtLocation:
    if by is not None:
        _check(by, service.organisation)
    link, _created = ServiceAtLocation.objects.get_or_create(
        service=service,
        location=location,
        defaults={"description": description, "created_by": by, "updated_by": by},
    )
    event_log(actor=by, verb="service_at_location.added", obj=link)
    return link


@transaction.atomic
def schedule_add(
    *,
    by: User | None,
    service: Service,
    weekdays: str,
    opens_at: time,
    closes_at: time,
    service_at_location: ServiceAtLocation | None = None,
    notes: str = "",
) -> Schedule:
    if by is not None:
        _check(by, service.organisation)
    schedule = Schedule(
        service=service,
        service_at_location=service_at_location,
        weekdays=weekdays,
        opens_at=opens_at,
        closes_at=closes_at,
        notes=notes,
        created_by=by,
        updated_by=by,
    )
    schedule.full_clean()
    schedule.save()
    event_log(actor=by, verb="schedule.added", obj=schedule)
    return schedule


@transaction.atomic
def schedule_remove(*, by: User, schedule: Schedule) -> None:
    _check(by, schedule.service.organisation)
    event_log(actor=by, verb="schedule.removed", obj=schedule)
    schedule.delete()


@transaction.atomic
def permanence_add(
    *, by: User | None, service: Service, site: Site, data: dict[str, Any]
) -> Permanence:
    """A partner's scheduled presence at a BIOSP site (free, or at the fee given)."""
    if by is not None:
        _check(by, service.organisation)
        if not can_edit(by, site.country):
            raise PermissionDenied
    permanence = Permanence(service=service, site=site, created_by=by, updated_by=by, **data)
    if permanence.free:
        permanence.amount = Decimal(0)
    if not permanence.currency:
        permanence.currency = site.country.currency
    permanence.full_clean()
    permanence.save()
    service_at_location_add(by=by, service=service, location=site_location(site))
    event_log(actor=by, verb="permanence.added", obj=permanence, site=site)
    return permanence


@transaction.atomic
def permanence_remove(*, by: User, permanence: Permanence) -> None:
    _check(by, permanence.service.organisation)
    event_log(actor=by, verb="permanence.removed", obj=permanence, site=permanence.site)
    permanence.deleted_at = timezone.now()
    permanence.updated_by = by
    permanence.save()

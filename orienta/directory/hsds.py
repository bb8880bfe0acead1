"""The directory as Open Referral HSDS 3.0 objects (the shapes of the published JSON schemas).

Identifiers are the records' UUIDs; objects Orienta stores as fields of another record (a
service's languages, required documents, areas; an organisation's phone) get stable UUIDs derived
from their owner's, so that an export imported and exported again gives the same document.
Orienta's own facts without an HSDS field (themes, an organisation's kind and country, a
permanence's fee, a service's response time) are HSDS `attributes`.
"""

import json
import uuid
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf.locale import LANG_INFO
from django.db.models import Prefetch

from orienta.core.models import Theme
from orienta.directory.models import (
    DAY_CODES,
    Contact,
    CostOption,
    Location,
    Permanence,
    Schedule,
    Service,
    ServiceAtLocation,
)

# The published HSDS 3.0 schemas (Open Referral, CC BY-SA 4.0), kept with the code: the
# top-level object schemas, and from compiled/ the tabular description and the list shapes.
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
NAMESPACE = uuid.UUID("5b1f3c62-7f0e-4f53-9a57-2d3c8a4e6b10")
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:themes"))
TAXONOMY_NAME = "Orienta themes"
AREA_URI = "urn:orienta:area:"


@cache
def schema(name: str, root: Path = SCHEMA_DIR) -> dict:
    """A published HSDS schema by file name, e.g. "service.json" or "compiled/tabular.json"."""
    return json.loads((root / name).read_text(encoding="utf-8"))


def derived_id(owner, key: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(owner)), key))


def term_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"theme:{code}"))


def _clean(obj: dict) -> dict:
    """Drop empty optional values (an empty string is not a valid email, uri or date)."""
    return {k: v for k, v in obj.items() if v is not None and v != ""}


def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def utc_offset(tz_name: str) -> int:
    offset = datetime(2025, 1, 15, 12, tzinfo=ZoneInfo(tz_name)).utcoffset()
    assert offset is not None  # an aware datetime has one
    return int(offset.total_seconds() // 3600)


def _time(value, offset: int) -> str:
    suffix = "Z" if offset == 0 else f"{offset:+03d}:00"
    return f"{value:%H:%M}{suffix}"


# --- taxonomy -------------------------------------------------------------------------------


def taxonomy() -> dict:
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": "The themes of requests to a BIOSP (guichet unique), used for services.",
        "version": "1",
    }


def taxonomy_term(theme: Theme) -> dict:
    return {
        "id": term_id(theme.code),
        "code": theme.code,
        "name": theme.name_en,
        "description": f"{theme.name_fr} / {theme.name_pt}",
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
        "taxonomy_detail": taxonomy(),
        "language": "en",
    }


# --- organisations --------------------------------------------------------------------------


def _attribute(owner_id, entity: str, link_type: str, value: str) -> dict:
    return {
        "id": derived_id(owner_id, f"attribute:{link_type}"),
        "link_id": str(owner_id),
        "link_type": link_type,
        "link_entity": entity,
        "value": value,
    }


def organization_list_item(org) -> dict:
    profile = getattr(org, "profile", None) if _has_profile(org) else None
    return _clean(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": profile.alternate_name if profile else "",
            "description": (profile.description if profile else "") or org.name,
            "email": org.email,
            "website": profile.website if profile else "",
            "legal_status": profile.legal_status if profile else "",
        }
    )


def _has_profile(org) -> bool:
    try:
        return org.profile is not None
    except org._meta.get_field("profile").related_model.DoesNotExist:
        return False


def organization(org) -> dict:
    obj = organization_list_item(org)
    oid = org.id
    obj["phones"] = (
        [{"id": derived_id(oid, "phone"), "organization_id": str(oid), "number": org.phone}]
        if org.phone
        else []
    )
    obj["contacts"] = (
        [{"id": derived_id(oid, "contact"), "organization_id": str(oid), "name": org.contact_name}]
        if org.contact_name
        else []
    )
    attributes = [
        _attribute(oid, "organization", "organization_kind", org.kind),
        _attribute(oid, "organization", "country", org.country.code),
    ]
    if org.area_id:
        attributes.append(_attribute(oid, "organization", "area", org.area.code))
    if org.address:
        attributes.append(_attribute(oid, "organization", "address", org.address))
    obj["attributes"] = attributes
    return obj


# --- locations and schedules ----------------------------------------------------------------


def location(loc: Location, offset: int) -> dict:
    obj = _clean(
        {
            "id": str(loc.id),
            "location_type": "physical",
            "organization_id": str(loc.organisation_id) if loc.organisation_id else None,
            "name": loc.name,
            "description": loc.description,
            "latitude": _number(loc.latitude),
            "longitude": _number(loc.longitude),
            "external_identifier": loc.site.code if loc.site is not None else None,
            "external_identifier_type": "orienta_site" if loc.site_id else None,
        }
    )
    addresses = []
    if loc.address_1 or loc.area_id:
        addresses.append(
            {
                "id": derived_id(loc.id, "address"),
                "location_id": str(loc.id),
                "address_1": loc.address_1,
                "city": loc.city,
                "region": loc.area.code if loc.area is not None else "",
                "state_province": loc.area.name if loc.area is not None else "",
                "postal_code": "",
                "country": loc.country_code,
                "address_type": "physical",
            }
        )
    obj["addresses"] = addresses
    return obj


def schedule(item: Schedule, offset: int) -> dict:
    return _clean(
        {
            "id": str(item.id),
            "service_id": str(item.service_id) if not item.service_at_location_id else None,
            "service_at_location_id": (
                str(item.service_at_location_id) if item.service_at_location_id else None
            ),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": item.weekdays,
            "opens_at": _time(item.opens_at, offset),
            "closes_at": _time(item.closes_at, offset),
            "timezone": offset,
            "notes": item.notes,
        }
    )


def permanence_value(item: Permanence) -> str:
    if item.free:
        return "free"
    return f"fee:{item.amount} {item.currency}"


def permanence_schedule(item: Permanence, sal_id, offset: int) -> dict:
    obj = _clean(
        {
            "id": str(item.id),
            "service_at_location_id": str(sal_id),
            "valid_from": _date(item.valid_from),
            "valid_to": _date(item.valid_to),
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": DAY_CODES[item.weekday],
            "opens_at": _time(item.opens_at, offset),
            "closes_at": _time(item.closes_at, offset),
            "timezone": offset,
            "attending_type": "in_person",
            "notes": item.notes,
        }
    )
    obj["attributes"] = [
        _attribute(item.id, "schedule", "permanence", permanence_value(item)),
    ]
    return obj


def service_at_location(
    sal: ServiceAtLocation, offset: int, *, permanences=None, with_location=True
) -> dict:
    obj = _clean(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
        }
    )
    schedules = [schedule(s, offset) for s in sal.schedules.all()]
    site_id = sal.location.site_id
    if site_id:
        if permanences is None:
            permanences = sal.service.permanences.all()
        for perm in permanences:
            if perm.site_id == site_id and perm.deleted_at is None:
                schedules.append(permanence_schedule(perm, sal.id, offset))
    obj["schedules"] = schedules
    if with_location:
        obj["location"] = location(sal.location, offset)
    return obj


# --- services -------------------------------------------------------------------------------


def language_name(code: str) -> str:
    return LANG_INFO.get(code, {}).get("name", code)


def service_list_item(svc: Service) -> dict:
    verifier = svc.last_verified_by
    obj = _clean(
        {
            "id": str(svc.id),
            "organization_id": str(svc.organisation_id),
            "name": svc.name,
            "alternate_name": svc.alternate_name,
            "description": svc.description,
            "url": svc.url,
            "email": svc.email,
            "status": svc.status,
            "application_process": svc.application_process,
            "fees_description": svc.fees_description,
            "eligibility_description": svc.eligibility_description,
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "assured_date": _date(svc.last_verified_at.date()) if svc.last_verified_at else None,
            "assurer_email": verifier.email if verifier and verifier.email else None,
            "wait_time": f"{svc.response_days} days",
            "last_modified": svc.updated_at.isoformat(),
        }
    )
    obj["organization"] = organization_list_item(svc.organisation)
    return obj


def _service_attributes(svc: Service) -> list[dict]:
    attributes = [
        {
            "id": derived_id(svc.id, f"theme:{theme.code}"),
            "link_id": str(svc.id),
            "taxonomy_term_id": term_id(theme.code),
            "link_type": "theme",
            "link_entity": "service",
            "taxonomy_term": taxonomy_term(theme),
        }
        for theme in sorted(svc.themes.all(), key=lambda t: t.code)
    ]
    attributes.append(_attribute(svc.id, "service", "response_days", str(svc.response_days)))
    if svc.eligible_sex:
        attributes.append(_attribute(svc.id, "service", "eligible_sex", svc.eligible_sex))
    return attributes


def _contacts(svc: Service) -> list[dict]:
    out = []
    for c in svc.contacts.all():
        obj = _clean(
            {
                "id": str(c.id),
                "service_id": str(svc.id),
                "name": c.name,
                "title": c.title,
                "email": c.email,
            }
        )
        obj["phones"] = (
            [{"id": derived_id(c.id, "phone"), "contact_id": str(c.id), "number": c.phone}]
            if c.phone
            else []
        )
        out.append(obj)
    return out


def _cost_options(svc: Service) -> list[dict]:
    return [
        _clean(
            {
                "id": str(c.id),
                "service_id": str(svc.id),
                "valid_from": _date(c.valid_from),
                "valid_to": _date(c.valid_to),
                "option": c.option,
                "currency": c.currency,
                "amount": _number(c.amount),
                "amount_description": c.amount_description,
            }
        )
        for c in svc.cost_options.all()
        if c.deleted_at is None
    ]


def service(svc: Service) -> dict:
    """A fully nested service (compiled/service.json)."""
    sid = str(svc.id)
    offset = utc_offset(svc.organisation.country.timezone)
    obj = service_list_item(svc)
    obj["organization"] = organization(svc.organisation)
    obj["phones"] = []
    obj["schedules"] = [
        schedule(s, offset) for s in svc.schedules.all() if not s.service_at_location_id
    ]
    obj["service_areas"] = [
        {
            "id": derived_id(svc.id, f"area:{area.code}"),
            "service_id": sid,
            "name": area.name,
            "uri": AREA_URI + area.code,
        }
        for area in sorted(svc.service_areas.all(), key=lambda a: a.code)
    ]
    obj["service_at_locations"] = [
        service_at_location(sal, offset, permanences=svc.permanences.all())
        for sal in svc.service_at_locations.all()
    ]
    obj["languages"] = [
        {
            "id": derived_id(svc.id, f"language:{code}"),
            "service_id": sid,
            "name": language_name(code),
            "code": code,
        }
        for code in svc.language_list()
    ]
    obj["cost_options"] = _cost_options(svc)
    obj["required_documents"] = [
        {"id": derived_id(svc.id, f"document:{i}:{doc}"), "service_id": sid, "document": doc}
        for i, doc in enumerate(svc.document_list())
    ]
    obj["contacts"] = _contacts(svc)
    obj["attributes"] = _service_attributes(svc)
    return obj


def list_relations(qs):
    """Services with what `service_list_item()` reads (the organisation, its profile, who last
    verified the entry), in one query: none of the nested lists `with_relations` prefetches."""
    return qs.select_related("organisation__profile", "last_verified_by")


def with_relations(qs):
    """Services with everything `service()` reads, in a fixed number of queries."""
    sal_qs = ServiceAtLocation.objects.select_related(
        "location__site", "location__area", "service"
    ).order_by("id")
    return qs.select_related(
        "organisation__country",
        "organisation__area",
        "organisation__profile",
        "last_verified_by",
    ).prefetch_related(
        "themes",
        "service_areas",
        Prefetch("contacts", queryset=Contact.objects.order_by("name", "id")),
        Prefetch("cost_options", queryset=CostOption.objects.order_by("amount", "option", "id")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("service_at_locations", queryset=sal_qs),
        Prefetch("service_at_locations__schedules", queryset=Schedule.objects.order_by("id")),
        Prefetch("permanences", queryset=Permanence.objects.order_by("id")),
    )


@cache
def _registry(root: Path):
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(root.glob("*.json")):
        if path.name != "openapi.json":
            contents = schema(path.name, root)
            resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


def validator(name: str, root: Path = SCHEMA_DIR, *, subschema: dict | None = None):
    """A validator for the schema `name` (or a part of it), resolving references between files."""
    import jsonschema

    return jsonschema.Draft202012Validator(
        subschema if subschema is not None else schema(name, root),
        registry=_registry(root),
        format_checker=jsonschema.FormatChecker(),
    )

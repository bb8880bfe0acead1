"""Writing checked HSDS service objects into the directory (the second half of an import).

Records are matched by their HSDS id: an object already known is updated, a new one created.
A service's nested items (cost options, contacts, schedules, places, permanences) are replaced
by those of the file. Any problem is recorded with its place and the whole import rolls back.
"""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from orienta.core.models import Area, Country, Organisation, Site, Theme, User
from orienta.core.services import event_log
from orienta.directory import hsds
from orienta.directory.exchange import ImportFailed
from orienta.directory.models import (
    DAY_CODES,
    Contact,
    CostOption,
    Location,
    OrganisationProfile,
    Permanence,
    Schedule,
    Service,
    ServiceAtLocation,
)
from orienta.directory.services import editable_countries

TIME_RE = re.compile(r"^(\d{2}):(\d{2})(?::\d{2})?(Z|[+-]\d{2}:?\d{2})?$")


class _Problem(Exception):
    def __init__(self, path, object_id, message):
        super().__init__(message)
        self.path, self.object_id, self.message = path, object_id, message


def _attrs(obj: dict) -> dict:
    return {a.get("link_type"): a.get("value") for a in obj.get("attributes", [])}


def _time(value, path, oid) -> time:
    match = TIME_RE.match(str(value or ""))
    if not match:
        raise _Problem(path, oid, _("“%(value)s” is not a time (HH:MM)") % {"value": value})
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise _Problem(path, oid, _("“%(value)s” is not a time (HH:MM)") % {"value": value})
    return time(hour, minute)


def _date(value, path, oid) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _Problem(path, oid, _("“%(value)s” is not a date") % {"value": value}) from exc


def _days(value, path, oid) -> str:
    codes = [c.strip() for c in str(value or "").split(",") if c.strip()]
    if not codes or any(c not in DAY_CODES for c in codes):
        raise _Problem(path, oid, _("“%(value)s” is not a list of days") % {"value": value})
    return ",".join(codes)


def _amount(value, path, oid) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation as exc:
        raise _Problem(path, oid, _("“%(value)s” is not an amount") % {"value": value}) from exc
    if amount < 0:
        raise _Problem(path, oid, _("“%(value)s” is not an amount") % {"value": value})
    return amount


class Loader:
    def __init__(self, by):
        self.by = by
        self.countries = {c.code: c for c in editable_countries(by)}
        self.areas = {a.code: a for a in Area.objects.all()}
        self.themes = {hsds.term_id(t.code): t for t in Theme.objects.all()}
        self.sites = {s.code: s for s in Site.objects.select_related("country")}

    # organisation ------------------------------------------------------------------------

    def organisation(self, obj: dict, path: list) -> Organisation:
        oid = obj["id"]
        attrs = _attrs(obj)
        country = self.countries.get(attrs.get("country") or "")
        if country is None:
            if not Country.objects.filter(code=attrs.get("country") or "").exists():
                raise _Problem(
                    path,
                    oid,
                    _("unknown country “%(code)s”") % {"code": attrs.get("country") or ""},
                )
            raise _Problem(path, oid, _("you may not edit the directory of this country"))
        kind = attrs.get("organization_kind") or Organisation.Kind.PROVIDER
        if kind not in Organisation.Kind.values:
            raise _Problem(path, oid, _("unknown organisation type “%(kind)s”") % {"kind": kind})
        area = self._area(attrs.get("area"), path, oid)
        org = Organisation.objects.filter(pk=oid).select_related("country").first()
        if org is None:
            org = Organisation(id=oid, created_by=self.by)
        elif org.country.code not in self.countries:
            raise _Problem(path, oid, _("you may not edit the directory of this country"))
        phones = obj.get("phones") or [{}]
        contacts = obj.get("contacts") or [{}]
        org.name, org.kind, org.country, org.area = obj["name"], kind, country, area
        org.email = obj.get("email", "")
        org.phone = phones[0].get("number", "")
        org.contact_name = contacts[0].get("name", "")
        org.address = attrs.get("address") or ""
        org.updated_by = self.by
        self._save(org, path)
        self._profile(org, obj, path)
        return org

    def _profile(self, org, obj, path) -> None:
        description = obj.get("description", "")
        values = {
            "alternate_name": obj.get("alternate_name", ""),
            "description": "" if description == org.name else description,
            "website": obj.get("website", ""),
            "legal_status": obj.get("legal_status", ""),
        }
        profile = OrganisationProfile.objects.filter(organisation=org).first()
        if profile is None and not any(values.values()):
            return
        profile = profile or OrganisationProfile(organisation=org, created_by=self.by)
        for key, value in values.items():
            setattr(profile, key, value)
        self._save(profile, path)

    def _area(self, code, path, oid) -> Area | None:
        if not code:
            return None
        if code not in self.areas:
            raise _Problem(path, oid, _("unknown area “%(code)s”") % {"code": code})
        return self.areas[code]

    def _save(self, obj, path) -> None:
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as exc:
            text = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise _Problem(path, obj.pk, text) from exc
        obj.save()

    # service -----------------------------------------------------------------------------

    def service(self, obj: dict, path: list) -> Service:
        org_obj = obj.get("organization")
        if not org_obj:
            raise _Problem(path, obj["id"], _("the service has no organisation"))
        org = self.organisation(org_obj, path + ["organization"])
        svc = Service.objects.filter(pk=obj["id"]).first()
        if svc is None:
            svc = Service(id=obj["id"], created_by=self.by)
        elif svc.organisation.country.code not in self.countries:
            raise _Problem(path, obj["id"], _("you may not edit the directory of this country"))
        else:
            svc.touch(by=self.by)
        if obj["status"] not in Service.Status.values:
            raise _Problem(
                path + ["status"],
                obj["id"],
                _("“%(value)s” is not one of: %(allowed)s")
                % {"value": obj["status"], "allowed": ", ".join(Service.Status.values)},
            )
        self._service_fields(svc, obj, org, path)
        self._save(svc, path)
        self._service_relations(svc, obj, path)
        Service.objects.filter(pk=svc.pk).update(updated_at=svc.updated_at)
        event_log(actor=self.by, verb="service.imported", obj=svc)
        return svc

    def _service_fields(self, svc, obj, org, path) -> None:
        attrs = _attrs(obj)
        svc.organisation = org
        for field in (
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "application_process",
            "fees_description",
            "eligibility_description",
        ):
            setattr(svc, field, obj.get(field, ""))
        svc.minimum_age = obj.get("minimum_age")
        svc.maximum_age = obj.get("maximum_age")
        svc.eligible_sex = attrs.get("eligible_sex") or ""
        days = attrs.get("response_days") or "14"
        if not str(days).isdigit():
            raise _Problem(
                path, obj["id"], _("“%(value)s” is not a number of days") % {"value": days}
            )
        svc.response_days = int(days)
        svc.languages = ",".join(
            lang.get("code") or lang.get("name", "") for lang in obj.get("languages", [])
        )
        svc.required_documents = "\n".join(
            d.get("document", "") for d in obj.get("required_documents", [])
        )
        self._verified(svc, obj, path)
        modified = parse_datetime(obj.get("last_modified") or "")
        svc.updated_at = modified or timezone.now()
        svc.updated_by = self.by

    def _verified(self, svc, obj, path) -> None:
        assured = _date(obj.get("assured_date"), path + ["assured_date"], obj["id"])
        if assured is None:
            svc.last_verified_at, svc.last_verified_by = None, None
            return
        if not (svc.last_verified_at and svc.last_verified_at.astimezone(UTC).date() == assured):
            svc.last_verified_at = datetime.combine(assured, time(12), tzinfo=UTC)
        email = obj.get("assurer_email")
        svc.last_verified_by = User.objects.filter(email=email).first() if email else None

    def _service_relations(self, svc, obj, path) -> None:
        themes, areas = [], []
        for i, attr in enumerate(obj.get("attributes", [])):
            if attr.get("link_type") != "theme":
                continue
            theme = self.themes.get(attr.get("taxonomy_term_id"))
            if theme is None:
                raise _Problem(path + ["attributes", i], attr["id"], _("unknown theme"))
            themes.append(theme)
        for i, area in enumerate(obj.get("service_areas", [])):
            code = (area.get("uri") or "").removeprefix(hsds.AREA_URI)
            areas.append(self._area(code or "?", path + ["service_areas", i], area["id"]))
        svc.themes.set(themes)
        svc.service_areas.set(areas)
        self._costs(svc, obj, path)
        self._contacts(svc, obj, path)
        keep = [
            self._schedule(svc, None, s, path + ["schedules", i])
            for i, s in enumerate(obj.get("schedules", []))
        ]
        places, permanences = [], []
        for i, sal in enumerate(obj.get("service_at_locations", [])):
            link, perms, scheds = self._sal(svc, sal, path + ["service_at_locations", i])
            places.append(link.pk)
            permanences.extend(perms)
            keep.extend(scheds)
        svc.schedules.exclude(pk__in=keep).delete()
        svc.service_at_locations.exclude(pk__in=places).delete()
        svc.permanences.exclude(pk__in=permanences).delete()

    def _costs(self, svc, obj, path) -> None:
        keep = []
        for i, item in enumerate(obj.get("cost_options", [])):
            where = path + ["cost_options", i]
            cost = CostOption.objects.filter(pk=item["id"], service=svc).first() or CostOption(
                id=item["id"], service=svc, created_by=self.by
            )
            cost.option = item.get("option") or _("Fee")
            cost.amount = _amount(item.get("amount"), where, item["id"])
            cost.currency = (item.get("currency") or svc.organisation.country.currency).upper()
            cost.amount_description = item.get("amount_description", "")
            cost.valid_from = _date(item.get("valid_from"), where, item["id"])
            cost.valid_to = _date(item.get("valid_to"), where, item["id"])
            cost.updated_by = self.by
            self._save(cost, where)
            keep.append(cost.pk)
        svc.cost_options.exclude(pk__in=keep).delete()

    def _contacts(self, svc, obj, path) -> None:
        keep = []
        for i, item in enumerate(obj.get("contacts", [])):
            contact = Contact.objects.filter(pk=item["id"], service=svc).first() or Contact(
                id=item["id"], service=svc, created_by=self.by
            )
            contact.name = item.get("name") or "—"
            contact.title = item.get("title", "")
            contact.email = item.get("email", "")
            phones = item.get("phones") or [{}]
            contact.phone = phones[0].get("number", "")
            contact.updated_by = self.by
            self._save(contact, path + ["contacts", i])
            keep.append(contact.pk)
        svc.contacts.exclude(pk__in=keep).delete()

    def _schedule(self, svc, link, item, where):
        schedule = Schedule.objects.filter(pk=item["id"], service=svc).first() or Schedule(
            id=item["id"], service=svc, created_by=self.by
        )
        schedule.service_at_location = link
        schedule.weekdays = _days(item.get("byday"), where + ["byday"], item["id"])
        schedule.opens_at = _time(item.get("opens_at"), where + ["opens_at"], item["id"])
        schedule.closes_at = _time(item.get("closes_at"), where + ["closes_at"], item["id"])
        schedule.notes = item.get("notes", "")
        schedule.updated_by = self.by
        self._save(schedule, where)
        return schedule.pk

    def _location(self, obj, where) -> Location:
        loc = Location.objects.filter(pk=obj["id"]).first() or Location(
            id=obj["id"], created_by=self.by
        )
        code = (
            obj.get("external_identifier")
            if obj.get("external_identifier_type") == "orienta_site"
            else None
        )
        site = None
        if code:
            site = self.sites.get(code)
            if site is None:
                raise _Problem(where, obj["id"], _("unknown site “%(code)s”") % {"code": code})
        address = (obj.get("addresses") or [{}])[0]
        loc.site = site
        org_id = obj.get("organization_id")
        loc.organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
        loc.name = obj.get("name") or "—"
        loc.description = obj.get("description", "")
        loc.latitude = _amount_or_none(obj.get("latitude"))
        loc.longitude = _amount_or_none(obj.get("longitude"))
        loc.address_1 = address.get("address_1", "")
        loc.city = address.get("city", "")
        loc.area = self._area(address.get("region"), where, obj["id"])
        loc.country_code = address.get("country", "")
        loc.updated_by = self.by
        self._save(loc, where)
        return loc

    def _sal(self, svc, obj, where):
        if not obj.get("location"):
            raise _Problem(where, obj["id"], _("the service at a location has no location"))
        loc = self._location(obj["location"], where + ["location"])
        link = ServiceAtLocation.objects.filter(pk=obj["id"]).first() or ServiceAtLocation(
            id=obj["id"], created_by=self.by
        )
        link.service, link.location = svc, loc
        link.description = obj.get("description", "")
        link.updated_by = self.by
        self._save(link, where)
        perms, scheds = [], []
        for i, item in enumerate(obj.get("schedules", [])):
            place = where + ["schedules", i]
            if "permanence" in _attrs(item):
                perms.append(self._permanence(svc, loc, item, place))
            else:
                scheds.append(self._schedule(svc, link, item, place))
        return link, perms, scheds

    def _permanence(self, svc, loc, item, where):
        if loc.site is None:
            raise _Problem(where, item["id"], _("a permanence must be at a BIOSP site"))
        perm = Permanence.objects.filter(pk=item["id"]).first() or Permanence(
            id=item["id"], created_by=self.by
        )
        days = _days(item.get("byday"), where + ["byday"], item["id"]).split(",")
        value = _attrs(item)["permanence"] or "free"
        perm.service, perm.site = svc, loc.site
        perm.weekday = DAY_CODES.index(days[0])
        perm.opens_at = _time(item.get("opens_at"), where + ["opens_at"], item["id"])
        perm.closes_at = _time(item.get("closes_at"), where + ["closes_at"], item["id"])
        perm.free = value == "free"
        perm.amount, perm.currency = Decimal(0), loc.site.country.currency
        if not perm.free:
            amount, _space, currency = value.removeprefix("fee:").partition(" ")
            perm.amount = _amount(amount, where, item["id"])
            perm.currency = currency or perm.currency
        perm.valid_from = _date(item.get("valid_from"), where, item["id"])
        perm.valid_to = _date(item.get("valid_to"), where, item["id"])
        perm.notes = item.get("notes", "")
        perm.deleted_at = None
        perm.updated_by = self.by
        self._save(perm, where)
        return perm.pk


def _amount_or_none(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def load(document: list[dict], *, by, place) -> int:
    """Write the services of the document, or nothing: raises ImportFailed with every problem."""
    loader = Loader(by)
    errors = []
    with transaction.atomic():
        for index, item in enumerate(document):
            try:
                with transaction.atomic():
                    loader.service(item, [index])
            except _Problem as problem:
                errors.append(f"{place(problem.path, problem.object_id)}: {problem.message}")
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return len(document)

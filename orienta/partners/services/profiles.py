"""A partner CSO's registration, profile, contacts and documents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import coordinates_country
from orienta.core.models import Area, Country, Organisation, User
from orienta.core.services import StaleEdit, event_log
from orienta.lib.errors import Refused
from orienta.lib.ids import uuid7
from orienta.partners.access import edits_partner, registers_partners
from orienta.partners.models import Contact, Document, DocumentKind, LegalStatus, Profile

CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# Leading bytes -> (content type, extension); office files (docx, xlsx, odt) are zip files.
SIGNATURES = [
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
    (b"PK\x03\x04", ("application/zip", "zip")),
]
OFFICE = {"docx", "xlsx", "odt", "ods", "pptx"}


class PartnerRefused(Refused):
    """The operation is not allowed; the message says why."""


def org_today(organisation: Organisation) -> date:
    """Today in the CSO's country."""
    return timezone.localtime(timezone.now(), ZoneInfo(organisation.country.timezone)).date()


def check_editor(user: User, organisation: Organisation) -> None:
    """403 unless the user edits this CSO's records (for pages that show a form)."""
    if not edits_partner(user, organisation):
        raise PermissionDenied


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if not CURRENCY.match(code):
        raise PartnerRefused(_("A currency is a code of three letters, such as XAF or MZN."))
    return code


def check_past(organisation: Organisation, on: date | None) -> date:
    on = on or org_today(organisation)
    if on > org_today(organisation):
        raise PartnerRefused(_("The date cannot be in the future."))
    return on


def _validated(row: Any, exclude: list[str]) -> None:
    try:
        row.full_clean(exclude=exclude)
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        raise PartnerRefused(" ".join(messages)) from None


# Registration and profile
# =============================================================================================


@transaction.atomic
def cso_register(
    *, country: Country, name: str, by: User, area: Area | None = None
) -> Organisation:
    """A new partner CSO of the country, with an empty profile (its coordinator, or
    headquarters)."""
    if not registers_partners(by) or (coordinates_country(by) and by.country_id != country.pk):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise PartnerRefused(_("Give the organisation's name."))
    if area is not None and area.country_id != country.pk:
        raise PartnerRefused(_("Choose an area of the organisation's country."))
    if Organisation.objects.filter(
        country=country, name__iexact=name, deleted_at__isnull=True
    ).exists():
        raise PartnerRefused(_("This country already has an organisation of this name."))
    organisation = Organisation(
        name=name,
        kind=Organisation.Kind.CSO,
        country=country,
        area=area,
        created_by=by,
        updated_by=by,
    )
    _validated(organisation, ["country", "area"])
    organisation.save()
    Profile.objects.create(
        organisation=organisation,
        budget_currency=country.currency,
        created_by=by,
        updated_by=by,
    )
    event_log(actor=by, verb="cso.registered", obj=organisation)
    return organisation


def profile_of(organisation: Organisation) -> Profile:
    """The CSO's profile, made empty the first time it is asked (an organisation registered
    elsewhere as a CSO has none yet)."""
    profile, _made = Profile.objects.get_or_create(
        organisation=organisation,
        defaults={"budget_currency": organisation.country.currency},
    )
    return profile


@dataclass
class ProfileData:
    """What the profile form and the API send."""

    name: str
    legal_status: str = ""
    registration_number: str = ""
    registered_on: date | None = None
    year_founded: int | None = None
    staff: int = 0
    volunteers: int = 0
    annual_budget: Decimal | None = None
    budget_currency: str = ""
    mission: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    areas: list[Area] = field(default_factory=list)


def _check_profile(organisation: Organisation, data: ProfileData) -> None:
    if not data.name.strip():
        raise PartnerRefused(_("Give the organisation's name."))
    if data.legal_status and data.legal_status not in LegalStatus.values:
        raise PartnerRefused(_("Choose a legal status of the list."))
    this_year = org_today(organisation).year
    if data.year_founded is not None and not 1900 <= data.year_founded <= this_year:
        raise PartnerRefused(_("The year founded must be between 1900 and this year."))
    if data.registered_on is not None and data.registered_on > org_today(organisation):
        raise PartnerRefused(_("The date cannot be in the future."))
    if data.staff < 0 or data.volunteers < 0:
        raise PartnerRefused(_("Staff and volunteers are counted from zero."))
    if data.annual_budget is not None and data.annual_budget < 0:
        raise PartnerRefused(_("The budget cannot be negative."))
    if any(a.country_id != organisation.country_id for a in data.areas):
        raise PartnerRefused(_("Choose areas of the organisation's country."))


@transaction.atomic
def profile_save(
    *, organisation: Organisation, data: ProfileData, by: User, version: int | None = None
) -> Profile:
    """The CSO's profile and the organisation's name and contact details; a form opened
    before someone else's save is refused (`version`: the profile's when the form opened)."""
    check_editor(by, organisation)
    _check_profile(organisation, data)
    currency = check_currency(data.budget_currency) if data.annual_budget is not None else ""
    if data.annual_budget is None and data.budget_currency.strip():
        currency = check_currency(data.budget_currency)
    profile = Profile.objects.select_for_update().get(pk=profile_of(organisation).pk)
    if version is not None and version != profile.version:
        raise StaleEdit
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    org.name, org.address = data.name.strip(), data.address.strip()
    org.phone, org.email = data.phone.strip(), data.email.strip()
    _validated(org, ["country", "area"])
    org.save(update_fields=["name", "address", "phone", "email", *org.touch(by=by)])
    for name in ("legal_status", "registered_on", "year_founded", "staff", "volunteers"):
        setattr(profile, name, getattr(data, name))
    profile.registration_number = data.registration_number.strip()
    profile.annual_budget, profile.budget_currency = data.annual_budget, currency
    profile.mission = data.mission.strip()
    profile.touch(by=by)
    _validated(profile, ["organisation", "areas"])
    profile.save()
    profile.areas.set(data.areas)
    event_log(actor=by, verb="cso.profile_saved", obj=org)
    return profile


@transaction.atomic
def contact_add(
    *,
    organisation: Organisation,
    name: str,
    by: User,
    position: str = "",
    phone: str = "",
    email: str = "",
) -> Contact:
    check_editor(by, organisation)
    if not name.strip():
        raise PartnerRefused(_("Give the contact's name."))
    contact = Contact(
        organisation=organisation,
        name=name.strip(),
        position=position.strip(),
        phone=phone.strip(),
        email=email.strip(),
        created_by=by,
        updated_by=by,
    )
    _validated(contact, ["organisation"])
    contact.save()
    event_log(actor=by, verb="cso.contact_added", obj=contact)
    return contact


@transaction.atomic
def contact_remove(*, contact: Contact, by: User) -> None:
    check_editor(by, contact.organisation)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    locked.deleted_at = timezone.now()
    locked.save(update_fields=["deleted_at", *locked.touch(by=by)])
    event_log(actor=by, verb="cso.contact_removed", obj=locked)


# Documents
# =============================================================================================


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.\- ]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(". ")
    return base[:120] or "document"


def _checked_upload(upload: UploadedFile[bytes]) -> tuple[str, str]:
    """(safe original name, extension to store); PartnerRefused if too big or of a kind not
    kept (PDF, JPEG, PNG, and office files)."""
    size = upload.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise PartnerRefused(
            _("The file is too large (%(size)s): at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(MAX_DOCUMENT_BYTES)}
        )
    upload.seek(0)
    kind = _sniff(upload.read(8))
    upload.seek(0)
    name = _safe_name(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or (kind[1] == "zip" and extension not in OFFICE):
        raise PartnerRefused(_("Attach a PDF, a photo (JPEG, PNG) or an office document."))
    return name, (extension if kind[1] == "zip" else kind[1])


@transaction.atomic
def document_add(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    upload: UploadedFile[bytes],
    by: User,
    dated_on: date | None = None,
) -> Document:
    """A document of the CSO's file, stored under MEDIA_ROOT with a new name."""
    check_editor(by, organisation)
    if not title.strip():
        raise PartnerRefused(_("Give the document a title."))
    if kind not in DocumentKind.values:
        raise PartnerRefused(_("Choose a kind of document of the list."))
    if dated_on is not None:
        check_past(organisation, dated_on)
    name, extension = _checked_upload(upload)
    document = Document(
        organisation=organisation,
        title=title.strip(),
        kind=kind,
        dated_on=dated_on,
        file_name=name,
        size=upload.size or 0,
        created_by=by,
        updated_by=by,
    )
    _validated(document, ["organisation", "file"])
    document.file.save(f"{uuid7()}.{extension}", upload, save=False)
    document.save()
    event_log(actor=by, verb="cso.document_added", obj=document)
    return document

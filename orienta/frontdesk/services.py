"""Writes at the front desk."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import can_record
from orienta.core.models import Site, User
from orienta.core.scoping import can_change_visit, records_at_site
from orienta.core.services import StaleEdit, event_log
from orienta.frontdesk.models import Visit, age_band
from orienta.people.models import Person

# What a correction may change; the person, the site and the author stay.
CORRECTABLE = (
    "occurred_at",
    "channel",
    "outcome",
    "notes",
    "anonymous_sex",
    "anonymous_age",
    "anonymous_age_band",
)
REASON_MAX = 500


@transaction.atomic
def visit_record(
    *, site: Site, by: User, data: dict[str, Any], person: Person | None = None
) -> Visit:
    """Record a visit of a registered person, or an anonymous one (sex and age band only)."""
    if not can_record(by) or not records_at_site(by, site.pk):
        raise PermissionDenied
    themes = list(data["themes"])
    visit = Visit(
        site=site,
        person=person,
        agent=by,
        occurred_at=data["occurred_at"],
        channel=data["channel"],
        outcome=data["outcome"],
        notes=data.get("notes", ""),
        anonymous_sex="" if person else data["anonymous_sex"],
        anonymous_age=None if person else data.get("anonymous_age"),
        anonymous_age_band="" if person else _band(data),
        created_by=by,
        updated_by=by,
    )
    visit.full_clean()
    visit.save()
    visit.themes.set(themes)
    event_log(actor=by, verb="visit.recorded", obj=visit, site=site)
    return visit


def _band(data: dict[str, Any]) -> str:
    """The fixed band of an anonymous visitor: from the age when it is given."""
    age = data.get("anonymous_age")
    return str(age_band(age)) if age is not None else str(data.get("anonymous_age_band") or "")


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="required")
    return reason[:REASON_MAX]


def _current_to_change(visit: Visit, by: User) -> Visit:
    """The visit, locked, if `by` may change it and it is still the current version."""
    if not can_change_visit(by, visit) or not records_at_site(by, visit.site_id):
        raise PermissionDenied
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if not Visit.objects.current().filter(pk=locked.pk).exists():
        raise StaleEdit
    return locked


def _new_version(old: Visit, by: User, reason: str, **values: Any) -> Visit:
    """The version that replaces `old`, saved; `old` stays as it was."""
    now = timezone.now()
    version = Visit(
        site_id=old.site_id,
        person_id=old.person_id,
        agent_id=old.agent_id,
        supersedes=old,
        change_reason=reason,
        version=old.version + 1,
        created_at=now,
        created_by=by,
        updated_at=now,
        updated_by=by,
        **{field: getattr(old, field) for field in CORRECTABLE} | values,
    )
    if old.person_id:
        version.anonymous_sex = version.anonymous_age_band = ""
        version.anonymous_age = None
    elif values.get("anonymous_age") is not None:
        version.anonymous_age_band = age_band(values["anonymous_age"])
    version.full_clean(exclude=["supersedes"])
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:  # another version was saved first
        raise StaleEdit from None
    return version


@transaction.atomic
def visit_correct(*, visit: Visit, by: User, data: dict[str, Any], reason: str) -> Visit:
    """Correct a visit: a new version with the values of `data` (the others as they were),
    which supersedes it. By its author or the site's manager, with a reason; StaleEdit if the
    visit was corrected or voided in the meantime."""
    reason = _reason(reason)
    old = _current_to_change(visit, by)
    values = {f: data[f] for f in CORRECTABLE if f in data}
    themes = list(data["themes"]) if "themes" in data else list(old.themes.all())
    changed = [f for f, v in values.items() if getattr(old, f) != v]
    if {t.pk for t in themes} != set(old.themes.values_list("pk", flat=True)):
        changed.append("themes")
    if not changed:
        raise ValidationError(_("Nothing to correct: the visit is the same."), code="unchanged")
    version = _new_version(old, by, reason, **values)
    version.themes.set(themes)
    event_log(
        actor=by,
        verb="visit.corrected",
        obj=version,
        site=version.site,
        data={"supersedes": str(old.pk), "fields": changed},
    )
    return version


@transaction.atomic
def visit_void(*, visit: Visit, by: User, reason: str) -> Visit:
    """Void a visit recorded by mistake: a last version, marked voided, that supersedes it.
    The visit no longer counts; its history keeps every version."""
    reason = _reason(reason)
    old = _current_to_change(visit, by)
    version = _new_version(old, by, reason, voided_at=timezone.now())
    version.themes.set(old.themes.all())
    event_log(
        actor=by,
        verb="visit.voided",
        obj=version,
        site=version.site,
        data={"supersedes": str(old.pk)},
    )
    return version

"""Writes at the front desk."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from orienta.core.models import Site, User
from orienta.core.scoping import can_record, writable_sites
from orienta.core.services import event_log
from orienta.frontdesk.models import Visit
from orienta.people.models import Person


@transaction.atomic
def visit_record(*, site: Site, by: User, data: dict, person: Person | None = None) -> Visit:
    """Record a visit of a registered person, or an anonymous one (sex and age band only)."""
    if not can_record(by) or not writable_sites(by).filter(pk=site.pk).exists():
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
        anonymous_age_band="" if person else data["anonymous_age_band"],
        created_by=by,
        updated_by=by,
    )
    visit.full_clean()
    visit.save()
    visit.themes.set(themes)
    event_log(actor=by, verb="visit.recorded", obj=visit, site=site)
    return visit

"""Retention in the registry: a person with no activity for the period is erased.

Activity is any change to the person's record, and any record about the person in any app —
a visit, a consent, a household membership, a case, a referral... — made or changed within
the period, on the person or on a record merged into it. Other apps' records are found
through the foreign keys to `Person`, so a new app counts without this module knowing it.
The erasure is the one a coordinator makes (`orienta.people.rights`), done by the system.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from orienta.core.retention import Rule
from orienta.people.models import Person
from orienta.people.rights import person_erase_expired

INACTIVE_KIND = "people.inactive_person"
# Which date of a related record says when it was last active, by preference.
ACTIVITY_FIELDS = ("updated_at", "occurred_at", "decided_at", "merged_at", "at", "created_at")


def _activity_field(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in ACTIVITY_FIELDS if name in names), None)


def _recent_activity(cutoff):
    """Conditions true for a person with a related record active since `cutoff` (their own,
    or one of a record merged into them)."""
    for rel in Person._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one) or rel.related_model is Person:
            continue
        field = _activity_field(rel.related_model)
        if field is None:
            continue
        related = rel.related_model._base_manager.filter(**{f"{field}__gte": cutoff})
        name = rel.field.name
        yield Exists(related.filter(**{name: OuterRef("pk")}))
        yield Exists(related.filter(**{f"{name}__merged_into": OuterRef("pk")}))


def inactive_persons(cutoff):
    """Persons (not merged, not erased) with no activity since `cutoff`."""
    recent_merged = Person._base_manager.filter(merged_into=OuterRef("pk"), updated_at__gte=cutoff)
    active = Q(updated_at__gte=cutoff) | Q(created_at__gte=cutoff) | Exists(recent_merged)
    for condition in _recent_activity(cutoff):
        active |= condition
    return (
        Person._base_manager.filter(merged_into__isnull=True, erased_at__isnull=True)
        .exclude(active)
        .order_by("pk")
    )


def erase_inactive(cutoff, dry_run: bool) -> int:
    due = inactive_persons(cutoff)
    if dry_run:
        return due.count()
    ids = list(due.values_list("pk", flat=True))  # read first: the erasure changes these rows
    reason = f"retention: {INACTIVE_KIND}, no activity since {cutoff:%Y-%m-%d}"
    for person in Person._base_manager.filter(pk__in=ids).select_related("site").order_by("pk"):
        person_erase_expired(person=person, reason=reason)
    return len(ids)


RULES = [
    Rule(
        INACTIVE_KIND,
        _("Persons with no activity (visit, consent, case, referral...) for the period"),
        10 * 365,
        erase_inactive,
    )
]

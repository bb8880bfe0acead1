"""What the registry's data-subject export and merge do with community work: the sessions a
person was named at and the outcomes recorded after a fair (see `orienta.people.hooks`).

Erasure has nothing to scrub here: a named attendance and an outcome hold no free text about
the person, and the counts they feed stay true."""

from orienta.outreach.models import AwarenessSession, FairOutcome

# The section of the data-subject export these records fill.
EXPORT_KEY = "community_work"


def export(ids: list) -> list[dict]:
    sessions = (
        AwarenessSession.objects.filter(attendees__in=ids, deleted_at__isnull=True)
        .select_related("site")
        .distinct()
        .order_by("planned_on", "pk")
    )
    outcomes = (
        FairOutcome.objects.filter(person__in=ids, deleted_at__isnull=True)
        .select_related("fair", "site")
        .order_by("on", "pk")
    )
    return [
        {"session": s.title, "site": s.site.code, "held_on": s.held_on and s.held_on.isoformat()}
        for s in sessions
    ] + [
        {"fair": o.fair.title, "site": o.site.code, "outcome": o.kind, "on": o.on.isoformat()}
        for o in outcomes
    ]


def merge(*, survivor, merged, by) -> None:
    """The merged record's attendances and outcomes follow the survivor."""
    for session in AwarenessSession.objects.filter(attendees=merged).order_by("pk"):
        session.attendees.remove(merged)
        session.attendees.add(survivor)
        session.save(update_fields=session.touch(by=by))
    FairOutcome.objects.filter(person=merged).exclude(
        fair__in=FairOutcome.objects.filter(person=survivor).values("fair")
    ).update(person=survivor, **FairOutcome.touched(by=by))

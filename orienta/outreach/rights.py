"""What the registry's data-subject export and merge do with community work: the sessions a
person was named at and the outcomes recorded after a fair (see `orienta.people.hooks`).

Erasure un-names the person at the sessions (the counts, kept apart, stay as they were); an
outcome keeps its link to the anonymised record, so the fair's results stay true: it holds no
free text about the person."""

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


def erase(ids: list, *, by) -> None:
    for session in AwarenessSession.objects.filter(attendees__in=ids).distinct().order_by("pk"):
        session.attendees.remove(*ids)
        session.save(update_fields=session.touch(by=by))


def merge(*, survivor, merged, by) -> None:
    """The merged record's attendances and outcomes follow the survivor."""
    for session in AwarenessSession.objects.filter(attendees=merged).order_by("pk"):
        session.attendees.remove(merged)
        session.attendees.add(survivor)
        session.save(update_fields=session.touch(by=by))
    FairOutcome.objects.filter(person=merged).exclude(
        fair__in=FairOutcome.objects.filter(person=survivor).values("fair")
    ).update(person=survivor, **FairOutcome.touched(by=by))

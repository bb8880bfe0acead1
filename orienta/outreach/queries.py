"""The reads of community work, all through the scoping layer: an activity out of scope is a 404.

Reading an activity (its counts, places and themes) is for every staff role of its site or
country, and for M&E and administrators, who read counts and never a name: the named
attendees, the visits and the outcomes of persons are for the roles that read personal data
(`can_read_persons`), in their scope.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from orienta.core.access import (
    can_read_persons,
    can_record,
    coordinates_country,
    is_active_user,
    is_site_manager,
    reads_aggregates_only,
)
from orienta.core.models import Site, User
from orienta.core.scoping import assigned_site_ids, site_filter
from orienta.core.types import AnyUser
from orienta.frontdesk.models import Visit
from orienta.lib.errors import OutOfScope
from orienta.lib.indicators import Period
from orienta.outreach.models import (
    AwarenessSession,
    Curriculum,
    Fair,
    FairOutcome,
    FairVisit,
    Participant,
    SessionVisit,
    Status,
    Training,
)
from orienta.people.models import Person

# How many activities a month of the calendar lists at most, of each kind.
MONTH_LIMIT = 200
# The visits offered for linking: the most recent of the channel since the activity.
LINKABLE_LIMIT = 30


def reads_outreach(user: AnyUser | None) -> bool:
    """The calendar and the activities: site staff, coordinators, M&E and administrators
    (counts only for the last two); not a provider's account."""
    return can_record(user) or coordinates_country(user) or reads_aggregates_only(user)


def _for[M: (AwarenessSession, Fair, Training)](
    model: type[M], user: AnyUser | None, pk: UUID | str
) -> M:
    if not reads_outreach(user):
        raise OutOfScope(model._meta.model_name or "", pk)
    found = (
        model.objects.visible_to(user)
        .select_related("site", "site__country", "area", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise OutOfScope(model._meta.model_name or "", pk)
    return found


def session_for(user: AnyUser | None, pk: UUID | str) -> AwarenessSession:
    return _for(AwarenessSession, user, pk)


def fair_for(user: AnyUser | None, pk: UUID | str) -> Fair:
    return _for(Fair, user, pk)


def training_for(user: AnyUser | None, pk: UUID | str) -> Training:
    return _for(Training, user, pk)


def participant_for(user: AnyUser | None, pk: UUID | str) -> Participant:
    found = (
        Participant.objects.filter(site_filter(user, "site__"), pk=pk, deleted_at__isnull=True)
        .select_related("training", "training__site", "user")
        .first()
        if reads_outreach(user)
        else None
    )
    if found is None:
        raise OutOfScope("participant", pk)
    return found


# The calendar
# =============================================================================================


@dataclass
class Entry:
    kind: str  # "session", "fair", "training"
    activity: AwarenessSession | Fair | Training
    total: int | None = None


@dataclass
class Day:
    day: date
    entries: list[Entry]


def visible_sites(user: AnyUser | None) -> QuerySet[Site]:
    return Site.objects.filter(site_filter(user), deleted_at__isnull=True).order_by("code")


def in_period(period: Period) -> Q:
    """Activities of a period: held in it, or not held and planned in it."""
    held = Q(held_on__gte=period.start, held_on__lt=period.end)
    planned = Q(held_on__isnull=True, planned_on__gte=period.start, planned_on__lt=period.end)
    return held | planned


def _month_of[M: (AwarenessSession, Fair, Training)](
    model: type[M], user: AnyUser | None, period: Period, sites: list[UUID] | None
) -> list[M]:
    qs = model.objects.visible_to(user).filter(in_period(period))
    qs = qs.filter(**({"site__in": sites} if sites is not None else {}))
    return list(qs.select_related("site").order_by("planned_on", "pk")[:MONTH_LIMIT])


def calendar(
    user: AnyUser | None, period: Period, *, site_ids: list[UUID] | None = None
) -> list[Day]:
    """The month's activities of the sites in scope (or `site_ids` among them), day by day:
    held ones on the day they were held, the others on the day planned."""
    entries: list[Entry] = []
    entries += [Entry("session", a) for a in _month_of(AwarenessSession, user, period, site_ids)]
    entries += [Entry("fair", a) for a in _month_of(Fair, user, period, site_ids)]
    entries += [Entry("training", a) for a in _month_of(Training, user, period, site_ids)]
    _add_totals(entries)
    days: dict[date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: (e.activity.day, e.kind, e.activity.title)):
        days.setdefault(entry.activity.day, []).append(entry)
    return [Day(day, found) for day, found in days.items()]


def _add_totals(entries: list[Entry]) -> None:
    """Persons counted at each session and fair, in one query per kind."""
    for kind, model in (("session", AwarenessSession), ("fair", Fair)):
        ids = [e.activity.pk for e in entries if e.kind == kind]
        if not ids:
            continue
        totals = dict(
            model.objects.filter(pk__in=ids).annotate(n=Sum("counts__count")).values_list("pk", "n")
        )
        for entry in entries:
            if entry.kind == kind:
                entry.total = totals.get(entry.activity.pk) or 0


def upcoming_count(user: AnyUser | None) -> int:
    today = timezone.localdate()
    return (
        AwarenessSession.objects.visible_to(user)
        .filter(status=Status.PLANNED, planned_on__gte=today)
        .count()
    )


# An activity's page
# =============================================================================================


def session_followups(session: AwarenessSession) -> int:
    """Visits of channel "outreach" linked to the session, as they stand (not voided)."""
    return SessionVisit.objects.filter(
        session=session,
        visit__superseded_by__isnull=True,
        visit__voided_at__isnull=True,
        deleted_at__isnull=True,
    ).count()


def session_attendees(user: AnyUser | None, session: AwarenessSession) -> list[Person]:
    """The named attendees, for those who read persons (in their scope); none for others."""
    if not can_read_persons(user):
        return []
    return list(session.attendees.visible_to(user).order_by("family_name", "given_name", "pk"))


def linkable_visits(
    user: AnyUser | None, activity: AwarenessSession | Fair, channel: str
) -> list[Visit]:
    """Recent visits of the channel at the activity's site since it was held, not yet linked."""
    if not can_read_persons(user) or activity.held_on is None:
        return []
    qs = (
        Visit.objects.visible_to(user)
        .current()
        .filter(site=activity.site, channel=channel, occurred_at__date__gte=activity.held_on)
        .exclude(pk__in=SessionVisit.objects.values("visit_id"))
        .exclude(pk__in=FairVisit.objects.values("visit_id"))
        .select_related("person")
        .order_by("-occurred_at", "pk")
    )
    return list(qs[:LINKABLE_LIMIT])


def fair_visits(user: AnyUser | None, fair: Fair) -> list[Visit]:
    if not can_read_persons(user):
        return []
    return list(
        Visit.objects.visible_to(user)
        .filter(pk__in=FairVisit.objects.filter(fair=fair).values("visit_id"))
        .current()
        .select_related("person")
        .order_by("occurred_at", "pk")
    )


def fair_outcomes(user: AnyUser | None, fair: Fair) -> list[FairOutcome]:
    """The outcomes recorded after the fair, with their persons, for those who read persons."""
    if not can_read_persons(user):
        return []
    return list(
        fair.outcomes.filter(deleted_at__isnull=True, person__in=Person.objects.visible_to(user))
        .select_related("person")
        .order_by("on", "pk")
    )


def fair_visit_count(fair: Fair) -> int:
    return FairVisit.objects.filter(
        fair=fair, visit__superseded_by__isnull=True, visit__voided_at__isnull=True
    ).count()


def fair_outcome_counts(fair: Fair) -> dict[str, int]:
    """Outcomes recorded after the fair, by kind (hired, enrolled)."""
    rows = (
        fair.outcomes.filter(deleted_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {kind: n for kind, n in rows}


def site_staff(site: Site) -> QuerySet[User]:
    return User.objects.filter(sites=site, is_active=True).order_by("last_name", "username")


def country_agents(site: Site) -> QuerySet[User]:
    """The accounts of site staff of the site's country (who may follow a training)."""
    return (
        User.objects.filter(sites__country_id=site.country_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def curricula() -> QuerySet[Curriculum]:
    return Curriculum.objects.filter(deleted_at__isnull=True).order_by("kind", "title")


# An agent's training record
# =============================================================================================


def agent_for(user: AnyUser | None, pk: UUID | str) -> User:
    """An agent whose record the user may read: oneself; the staff of one's sites for a site
    manager; of one's country for a coordinator; anyone for M&E and administrators."""
    if not is_active_user(user) or not reads_outreach(user):
        raise OutOfScope("user", pk)
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise OutOfScope("user", pk)
    if found.pk == user.pk or reads_aggregates_only(user):
        return found
    if coordinates_country(user):
        ok = (
            found.country_id == user.country_id or found.sites.filter(country=user.country).exists()
        )
    elif is_site_manager(user):
        ok = found.sites.filter(pk__in=assigned_site_ids(user)).exists()
    else:
        ok = False
    if not ok:
        raise OutOfScope("user", pk)
    return found


def training_record(agent: User) -> list[Participant]:
    return list(
        Participant.objects.filter(user=agent, deleted_at__isnull=True, training__deleted_at=None)
        .select_related("training", "training__curriculum", "training__site")
        .order_by("-training__planned_on", "pk")
    )

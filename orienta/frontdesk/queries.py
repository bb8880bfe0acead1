"""Reads at the front desk.

Counts and lists read the current versions of visits (`Visit.objects.current()`); the earlier
versions of a corrected visit, and voided visits, are read only as its history.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from orienta.core.models import Site, User
from orienta.core.types import AnyUser
from orienta.frontdesk.models import Visit
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person


def day_bounds(tz_name: str, day: date | None = None) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    day = day or timezone.localtime(timezone.now(), tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


# What a line of the day page shows of a visit and its person (frontdesk/day.html), and what
# says whether the user may correct it (the site and the agent, by id): a person's row is wide,
# and a busy day lists fifty visits.
DAY_FIELDS = (
    "occurred_at",
    "channel",
    "outcome",
    "anonymous_age",
    "anonymous_age_band",
    "anonymous_sex",
    "site",
    "agent",
    "person__code",
    "person__given_name",
    "person__family_name",
    "person__erased_at",
)


def visits_today(user: AnyUser, site: Site) -> QuerySet[Visit]:
    start, end = day_bounds(site.timezone)
    return (
        Visit.objects.visible_to(user)
        .current()
        .filter(site=site, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("person")
        .only(*DAY_FIELDS)
        # Each visit's themes as a list (`theme_list`): a related manager made for each line
        # twice, by the prefetch and by the page, cost more than the themes' query.
        .prefetch_related(Prefetch("themes", to_attr="theme_list"))
        .order_by("-occurred_at")
    )


def visit_version_for(user: AnyUser, pk: UUID | str) -> Visit:
    """Any version of a visit (current, earlier or voided) in the user's scope, else 404."""
    visit = (
        Visit.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("site", "person", "agent", "created_by")
        .first()
    )
    if visit is None:
        raise OutOfScope("visit", pk)
    return visit


# A visit this recent is the one a referral or a case made now comes from.
RECENT_VISIT_HOURS = 12


def recent_visit(user: User, person: Person) -> Visit | None:
    """The person's latest visit of the last hours at the user's sites, if any. Read once per
    person object (the person page's sections each ask)."""
    if not hasattr(person, "_recent_visit"):
        since = timezone.now() - timedelta(hours=RECENT_VISIT_HOURS)
        person._recent_visit = (
            Visit.objects.visible_to(user)
            .current()
            .filter(person=person, site__in=user.sites.all(), occurred_at__gte=since)
            .order_by("-occurred_at")
            .first()
        )
    return cast(Visit | None, person._recent_visit)


def latest_version(visit: Visit) -> Visit:
    """The newest version of the visit `visit` is a version of (itself when current)."""
    while True:
        newer = (
            Visit.objects.filter(supersedes=visit)
            .select_related("site", "person", "agent", "created_by")
            .first()
        )
        if newer is None:
            return visit
        visit = newer


def visit_for(user: AnyUser, pk: UUID | str) -> Visit:
    """The visit as it stands now (its current version, whichever version `pk` names), in the
    user's scope; 404 when out of scope or voided. Cases and referrals link to this one."""
    visit = latest_version(visit_version_for(user, pk))
    if visit.voided_at is not None:
        raise OutOfScope("visit", pk)
    return visit


def visit_history(visit: Visit) -> list[Visit]:
    """The versions before `visit`, newest first (empty for a visit never corrected)."""
    earlier: list[Visit] = []
    pk = visit.supersedes_id
    while pk is not None:
        version = (
            Visit.objects.select_related("agent", "created_by")
            .prefetch_related("themes")
            .get(pk=pk)
        )
        earlier.append(version)
        pk = version.supersedes_id
    return earlier


# The person page shows this many of a person's latest visits; `?visits=all` shows them all.
PERSON_VISITS_SHOWN = 20


@dataclass
class VisitHistory:
    current: list[Visit]  # the latest versions, newest first
    voided: list[Visit]
    total: int  # current and voided, however many are shown

    @property
    def more(self) -> int:
        return self.total - len(self.current) - len(self.voided)


def person_visits(user: AnyUser, person: Person, limit: int | None = None) -> VisitHistory:
    """The person's latest visits (the `limit` newest, or all), each with its `earlier`
    versions, split into current and voided. A correction replaces a visit by a new version
    (`supersedes`): only versions nothing replaces are listed, the others hang under them."""
    rows = Visit.objects.visible_to(user).filter(person=person)
    replaced = rows.filter(supersedes__isnull=False).values("supersedes_id")
    latest = (
        rows.exclude(pk__in=replaced)
        .select_related("site", "agent", "created_by")
        .prefetch_related("themes")
        .order_by("-occurred_at", "-created_at")
    )
    shown = list(latest if limit is None else latest[: limit + 1])
    total = len(shown)
    if limit is not None and total > limit:
        shown, total = shown[:limit], latest.count()
    _attach_earlier(rows, shown)
    return VisitHistory(
        current=[v for v in shown if v.voided_at is None],
        voided=[v for v in shown if v.voided_at],
        total=total,
    )


def _attach_earlier(rows: QuerySet[Visit], visits: list[Visit]) -> None:
    """Each visit's `earlier` versions, newest first: one query per step back along the
    chains of corrections (a visit is rarely corrected more than once or twice)."""
    owner_of: dict[UUID, Visit] = {}  # a version to read → the listed visit it belongs to
    for visit in visits:
        visit.earlier = []
        if visit.supersedes_id:
            owner_of[visit.supersedes_id] = visit
    while owner_of:
        found = rows.filter(pk__in=list(owner_of)).select_related("site", "agent", "created_by")
        following: dict[UUID, Visit] = {}
        for older in found.prefetch_related("themes"):
            owner = owner_of[older.pk]
            owner.earlier.append(older)
            if older.supersedes_id:
                following[older.supersedes_id] = owner
        owner_of = following


def day_summary(visits: QuerySet[Visit]) -> dict[str, Any]:
    """How many visits, anonymous ones and women among them: counted by the database in one
    query, however long the day."""
    woman = Q(person__sex="female") | Q(person__isnull=True, anonymous_sex="female")
    return visits.order_by().aggregate(
        total=Count("pk"),
        anonymous=Count("pk", filter=Q(person__isnull=True)),
        women=Count("pk", filter=woman),
    )

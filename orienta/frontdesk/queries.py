"""Reads at the front desk."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.http import Http404
from django.utils import timezone

from orienta.frontdesk.models import Visit


def day_bounds(tz_name: str, day=None) -> tuple[datetime, datetime]:
    tz = ZoneInfo(tz_name)
    day = day or timezone.localtime(timezone.now(), tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timezone.timedelta(days=1)


def visits_today(user, site):
    start, end = day_bounds(site.timezone)
    return (
        Visit.objects.visible_to(user)
        .filter(site=site, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("person", "agent")
        .prefetch_related("themes")
        .order_by("-occurred_at")
    )


def visit_for(user, pk) -> Visit:
    visit = Visit.objects.visible_to(user).filter(pk=pk).select_related("site", "person").first()
    if visit is None:
        raise Http404
    return visit


# A visit this recent is the one a referral or a case made now comes from.
RECENT_VISIT_HOURS = 12


def recent_visit(user, person) -> Visit | None:
    """The person's latest visit of the last hours at the user's sites, if any. Read once per
    person object (the person page's sections each ask)."""
    if not hasattr(person, "_recent_visit"):
        since = timezone.now() - timezone.timedelta(hours=RECENT_VISIT_HOURS)
        person._recent_visit = (
            Visit.objects.visible_to(user)
            .filter(person=person, site__in=user.sites.all(), occurred_at__gte=since)
            .order_by("-occurred_at")
            .first()
        )
    return person._recent_visit


def person_visits(user, person):
    return (
        Visit.objects.visible_to(user)
        .filter(person=person)
        .select_related("site", "agent")
        .prefetch_related("themes")
        .order_by("-occurred_at")
    )


def day_summary(visits) -> dict:
    rows = list(visits)
    return {
        "total": len(rows),
        "anonymous": sum(1 for v in rows if v.person_id is None),
        "women": sum(
            1 for v in rows if (v.person.sex if v.person else v.anonymous_sex) == "female"
        ),
    }

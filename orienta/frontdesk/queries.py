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

"""Scheduled work of the results: the dashboards opened most, computed ahead.

Every country's (and the whole programme's) dashboard for the current year, the current
quarter and the quarter before are computed anew and kept in the cache (`engine.refreshing`),
so that nobody waits for a year of a country to be counted. Runs with the other tasks every
15 minutes; figures are kept 20 minutes (`ORIENTA_RESULTS_CACHE_SECONDS`), so these never
expire between two runs. Nothing is done when the cache is off.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from orienta.core.models import Country
from orienta.lib.indicators import AgeBands, Period, Scope
from orienta.reporting import engine
from orienta.reporting.dashboard import dashboard


def _quarter_of(day: date) -> Period:
    return Period.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


def periods(today: date) -> list[Period]:
    """The current year, the current quarter and the one before."""
    quarter = _quarter_of(today)
    return [Period.parse(str(today.year)), quarter, _quarter_of(quarter.start - timedelta(days=1))]


def scopes() -> list[Scope]:
    codes = Country.objects.order_by("code").values_list("code", flat=True)
    return [Scope(), *(Scope(country=code) for code in codes)]


def run(now: datetime) -> str:
    if engine.cache_seconds() <= 0:
        return "results: kept figures are off (ORIENTA_RESULTS_CACHE_SECONDS=0)"
    today = timezone.localdate(now)
    bands = AgeBands.default()
    done = 0
    with engine.refreshing():
        for scope in scopes():
            for period in periods(today):
                dashboard(period, scope, bands, suppress=False)
                done += 1
    return f"results: {done} dashboards computed ahead"

"""Scheduled work of the results: the dashboards opened most, counted ahead.

Every country's (and the whole programme's) dashboard for the current year, the current
quarter and the quarter before is kept counted in the cache, so that nobody waits for a year of
a country to be counted: those of running periods are counted anew at every run (every 15
minutes; they are kept 20, `ORIENTA_RESULTS_CACHE_SECONDS`, so they never expire between two
runs), those of closed periods when missing or older than CLOSED_RECOUNT. Nothing is done when
figures are not kept.
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


CLOSED_RECOUNT = timedelta(hours=6)


def run(now: datetime) -> str:
    if engine.cache_seconds() <= 0:
        return "results: kept figures are off (ORIENTA_RESULTS_CACHE_SECONDS=0)"
    today = timezone.localdate(now)
    bands = AgeBands.default()
    counted = kept = 0
    for scope in scopes():
        for period in periods(today):
            if engine.is_closed(period):
                started = timezone.now()
                found = dashboard(period, scope, bands, suppress=False)  # missing ones counted
                at = found.computed_at
                if at is not None and at > now - CLOSED_RECOUNT:
                    counted, kept = (counted + 1, kept) if at >= started else (counted, kept + 1)
                    continue
            with engine.refreshing():
                dashboard(period, scope, bands, suppress=False)
            counted += 1
    return f"results: {counted} dashboards counted ahead, {kept} kept as counted"

"""When things happen at a site: its open days over the years, weighted by season and growth,
with a few fair days a year when the office is swamped."""

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from orienta.demo.data import SiteSpec

# Rainy season: roads cut, fields to tend, fewer people come (Sahel; southern Africa; Guinea).
RAINY_MONTHS = {"TD": {6, 7, 8, 9}, "MZ": {11, 12, 1, 2, 3}, "GW": {6, 7, 8, 9, 10}}
RAINY_FACTOR = 0.55
# The network grows: the last days of the history see this many times the first days' work.
GROWTH = 2.0
FAIRS_PER_YEAR = 4
FAIR_FACTOR = 6.0


@dataclass(frozen=True)
class SiteCalendar:
    days: tuple[date, ...]  # open days of the history, ascending
    cumulative: tuple[float, ...]  # cumulative weights of `days`
    fairs: frozenset[date]

    @classmethod
    def build(
        cls, spec: SiteSpec, country: str, start: date, end: date, rng: random.Random
    ) -> "SiteCalendar":
        span = (end - start).days + 1
        days = [start + timedelta(n) for n in range(span)]
        days = [d for d in days if d.weekday() in spec.hours]
        dry = [d for d in days if d.month not in RAINY_MONTHS[country]]
        fairs = frozenset(rng.sample(dry, k=min(len(dry), round(FAIRS_PER_YEAR * span / 365))))
        weights = [_weight(d, country, start, span, fairs) for d in days]
        return cls(tuple(days), tuple(itertools.accumulate(weights)), fairs)

    def pick(self, rng: random.Random, after: date | None = None) -> date | None:
        """A day drawn by weight, on or after `after` (None when no open day is left)."""
        first = bisect.bisect_left(self.days, after) if after else 0
        if first >= len(self.days):
            return None
        low = self.cumulative[first - 1] if first else 0.0
        x = rng.uniform(low, self.cumulative[-1])
        return self.days[min(bisect.bisect_left(self.cumulative, x), len(self.days) - 1)]

    def next_open(self, day: date) -> date | None:
        i = bisect.bisect_left(self.days, day)
        return self.days[i] if i < len(self.days) else None

    @property
    def open_days(self) -> int:
        return len(self.days)


def _weight(day: date, country: str, start: date, span: int, fairs: frozenset[date]) -> float:
    weight = 1.0 + (GROWTH - 1.0) * (day - start).days / span
    if day.month in RAINY_MONTHS[country]:
        weight *= RAINY_FACTOR
    if day in fairs:
        weight *= FAIR_FACTOR
    return weight

"""The dashboard's figures for a period and a scope: every indicator's total, the main
indicator month by month and split by sex, age band and disability. The page draws them; the
scheduled task (`reporting/tasks.py`) computes them ahead for the dashboards opened most."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orienta.lib.indicators import (
    AGE_BAND,
    DISABILITY,
    SEX,
    AgeBands,
    Indicator,
    Period,
    Scope,
    all_indicators,
)
from orienta.reporting import engine

SPLITS = (SEX, AGE_BAND, DISABILITY)
MAIN = "PERSONS_WELCOMED"


@dataclass
class Dashboard:
    totals: list[tuple[Indicator, engine.Table]]
    months: list[engine.Table]  # the main indicator, one table per month
    splits: list[engine.Table]  # the main indicator, one table per dimension of SPLITS

    @property
    def computed_at(self) -> datetime | None:
        """When the oldest of its figures was computed."""
        tables = [t for _i, t in self.totals] + self.months + self.splits
        times = [t.computed_at for t in tables if t.computed_at is not None]
        return min(times) if times else None


def dashboard(period: Period, scope: Scope, bands: AgeBands, *, suppress: bool) -> Dashboard:
    def table(code: str, of: Period, by: tuple[str, ...] = ()) -> engine.Table:
        return engine.values(code, of, scope, by, age_bands=bands, suppress=suppress)

    return Dashboard(
        totals=[(indicator, table(indicator.code, period)) for indicator in all_indicators()],
        months=[table(MAIN, month) for month in period.months()],
        splits=[table(MAIN, period, (dim,)) for dim in SPLITS],
    )

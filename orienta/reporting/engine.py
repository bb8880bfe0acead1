"""The indicator engine: asks an indicator's hook for its figures, then protects small counts.

`values()` gives one indicator's total and cells for a period and a scope, split by up to two
dimensions; `trend()` its total month by month. Neither knows any domain app: the indicators
are those the apps registered (`orienta.lib.indicators`).

Suppression (`suppress=True`: every export, and every page or API answer to a role that may
not see persons): a figure resting on 1 to threshold-1 persons or records is hidden (primary
suppression). Then, so that a total minus the visible cells never reveals a hidden one, every
line of the table (the cells that differ only in one dimension, and their margin) with exactly
one hidden cell gets a second one hidden, the smallest other figure; when there is none, the
line's margin is hidden (for a one-way table, the total). This is repeated until nothing
changes (secondary suppression). Zero is never hidden: a zero cell reveals no one.

Figures are kept in the cache the server's workers share, as the hooks gave them, before
suppression: the same figures serve every role, each protected as it asks. A period still
running is kept `ORIENTA_RESULTS_CACHE_SECONDS` (20 minutes by default; 0 computes every
time), a closed one a day (late records and corrections are rare). A country's year over a
million persons takes tens of seconds to count; the scheduled task (`reporting/tasks.py`)
counts the dashboards people open most before their figures expire, and every table says when
its figures were computed (`Table.computed_at`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orienta.lib.indicators import (
    AgeBands,
    Indicator,
    Period,
    Query,
    Row,
    Scope,
    Value,
    get,
)


@dataclass
class Cell:
    key: dict[str, str]
    value: int | Decimal | None
    suppressed: bool = False
    # The count the figure rests on (not shown; what suppression looks at).
    n: int = field(default=0, repr=False)


@dataclass
class Table:
    indicator: Indicator
    period: Period
    scope: Scope
    by: tuple[str, ...]
    total: int | Decimal | None
    total_suppressed: bool
    cells: list[Cell]
    age_bands: AgeBands | None = None
    threshold: int = 0
    # When the figures were computed (earlier than now when they came from the cache).
    computed_at: datetime | None = None

    def cell(self, **key: str) -> Cell | None:
        for cell in self.cells:
            if cell.key == key:
                return cell
        return None

    def values_of(self, dimension: str) -> list[str]:
        """The values of one dimension found in the cells, in their order."""
        seen: dict[str, None] = {}
        for cell in self.cells:
            seen.setdefault(cell.key[dimension], None)
        return list(seen)


def default_threshold() -> int:
    return int(getattr(settings, "ORIENTA_SUPPRESSION_THRESHOLD", 5))


# Bump when the rows' meaning changes, so that no worker reads figures kept by older code.
CACHE_VERSION = 1
_refreshing: ContextVar[bool] = ContextVar("results_refreshing", default=False)


CLOSED_PERIOD_SECONDS = 24 * 3600


def cache_seconds(period: Period | None = None) -> int:
    """How long figures are kept: a closed period's a day, a running one's the setting (0, or
    less: not kept at all)."""
    seconds = int(getattr(settings, "ORIENTA_RESULTS_CACHE_SECONDS", 20 * 60))
    if seconds > 0 and period is not None and is_closed(period):
        return max(seconds, CLOSED_PERIOD_SECONDS)
    return seconds


def is_closed(period: Period) -> bool:
    """The period ended before yesterday (in every time zone of the programme)."""
    return period.end < timezone.localdate() - timedelta(days=1)


@contextmanager
def refreshing() -> Iterator[None]:
    """Within the block, figures are computed anew (and kept), never read from the cache."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def _cache_key(indicator: Indicator, query: Query) -> str:
    what = "|".join(
        (
            indicator.code,
            query.period.code,
            query.scope.country or "",
            query.scope.site or "",
            ",".join(query.by),
            query.age_bands.code,
        )
    )
    digest = hashlib.sha256(what.encode()).hexdigest()[:32]
    return f"orienta:results:{CACHE_VERSION}:{digest}"


def _compute(indicator: Indicator, query: Query) -> tuple[list[Row], datetime]:
    """The hook's rows and when they were computed: from the cache when kept there."""
    seconds = cache_seconds(query.period)
    key = _cache_key(indicator, query)
    if seconds > 0 and not _refreshing.get():
        kept = cache.get(key)
        if kept is not None:
            computed_at, rows = kept
            return rows, computed_at
    computed_at = timezone.now()
    rows = indicator.compute(query)
    if seconds > 0:
        cache.set(key, (computed_at, rows), seconds)
    return rows, computed_at


def values(
    code: str,
    period: Period,
    scope: Scope,
    by: Iterable[str] = (),
    *,
    age_bands: AgeBands | None = None,
    suppress: bool,
    threshold: int | None = None,
) -> Table:
    """One indicator's figures. KeyError for an unknown code; ValueError (translated) for a
    dimension the indicator cannot be split by."""
    from orienta.lib.indicators import parse_dimensions

    indicator = get(code)
    dims = parse_dimensions(tuple(by), indicator)
    bands = age_bands or AgeBands.default()
    total_rows, computed_at = _compute(indicator, Query(period, scope, (), bands))
    total = total_rows[0] if total_rows else None
    rows: list[Row] = []
    if dims:
        rows, split_at = _compute(indicator, Query(period, scope, dims, bands))
        computed_at = min(computed_at, split_at)
    cells = [Cell(dict(zip(dims, row.key, strict=True)), row.value, False, row.n) for row in rows]
    limit = default_threshold() if threshold is None else threshold
    table = Table(
        indicator=indicator,
        period=period,
        scope=scope,
        by=dims,
        total=total.value if total else _zero(indicator),
        total_suppressed=False,
        cells=cells,
        age_bands=bands,
        threshold=limit if suppress else 0,
        computed_at=computed_at,
    )
    if suppress:
        protect(table, total.n if total else 0, limit)
    return table


def _zero(indicator: Indicator) -> Value:
    return 0 if indicator.is_count else None


def _hidden(n: int, threshold: int) -> bool:
    return 0 < n < threshold


def protect(table: Table, total_n: int, threshold: int) -> None:
    """Primary then secondary suppression, in place (see the module's docstring)."""
    table.total_suppressed = _hidden(total_n, threshold)
    for cell in table.cells:
        # A hidden total: every cell is smaller still, or a share of it.
        cell.suppressed = _hidden(cell.n, threshold) or (table.total_suppressed and cell.n > 0)
    lines = _lines(table)
    changed = True
    while changed:
        changed = False
        for line, margin_is_total in lines:
            changed |= _protect_line(table, line, margin_is_total, lines)
    for cell in table.cells:
        if cell.suppressed:
            cell.value = None
    if table.total_suppressed:
        table.total = None


def _lines(table: Table) -> list[tuple[list[Cell], bool]]:
    """The lines of the table: for each dimension, the cells sharing the other dimensions'
    values. The margin of a line is the table's total when the table has one dimension."""
    lines = []
    for dim in table.by:
        others = [d for d in table.by if d != dim]
        groups: dict[tuple[str, ...], list[Cell]] = defaultdict(list)
        for cell in table.cells:
            groups[tuple(cell.key[d] for d in others)].append(cell)
        lines += [(group, not others) for group in groups.values()]
    return lines


def _protect_line(
    table: Table, line: list[Cell], margin_is_total: bool, lines: list[tuple[list[Cell], bool]]
) -> bool:
    hidden = [c for c in line if c.suppressed]
    if len(hidden) != 1 or (margin_is_total and table.total_suppressed):
        return False
    candidates = [c for c in line if not c.suppressed and c.n > 0]
    if candidates:
        # Prefer a cell whose other lines already hide one (hiding it leaves none with a
        # single hidden cell), then the smallest.
        def cost(cell: Cell) -> tuple[int, int, list[tuple[str, str]]]:
            lonely = any(
                not any(c.suppressed for c in other)
                for other, _total in lines
                if other is not line and any(c is cell for c in other)
            )
            return (int(lonely), cell.n, sorted(cell.key.items()))

        min(candidates, key=cost).suppressed = True
        return True
    if margin_is_total:
        table.total_suppressed = True
        return True
    # A line of a two-way table whose other cells are zero: its margin equals the hidden
    # cell, so it is as small and is hidden wherever it is published (the one-way table).
    return False


def trend(
    code: str,
    period: Period,
    scope: Scope,
    *,
    suppress: bool,
    threshold: int | None = None,
    age_bands: AgeBands | None = None,
) -> list[tuple[Period, int | Decimal | None, bool]]:
    """The indicator's total month by month over the period."""
    found = []
    for month in period.months():
        table = values(
            code, month, scope, suppress=suppress, threshold=threshold, age_bands=age_bands
        )
        found.append((month, table.total, table.total_suppressed))
    return found

"""Figures as people read them: labels of dimension values, numbers in the user's language."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from orienta.lib.indicators import AGE_BAND, UNKNOWN, Indicator, Unit, dimension
from orienta.reporting.engine import Table

HIDDEN = "*"


def labels(code: str) -> dict[str, str]:
    """Value code → label, for one dimension (age bands are their own label)."""
    found = {str(value): str(label) for value, label in dimension(code).values()}
    found.setdefault(UNKNOWN, _("Unknown"))
    return found


def label_of(code: str, value: str, cache: dict[str, dict[str, str]] | None = None) -> str:
    if code == AGE_BAND:
        return _("Unknown") if value == UNKNOWN else value
    table = cache.setdefault(code, labels(code)) if cache is not None else labels(code)
    return table.get(value, value)


def shown(indicator: Indicator, value: int | Decimal | None, hidden: bool = False) -> str:
    if hidden:
        return HIDDEN
    if value is None:
        return "—"
    if indicator.unit == Unit.RATIO:
        return f"{number_format(Decimal(value) * 100, 1)} %"
    if indicator.unit == Unit.MEDIAN:
        return str(number_format(value, 1))
    if indicator.unit == Unit.AMOUNT:
        amount = str(number_format(value, 0, force_grouping=True))
        return f"{amount} {indicator.currency}" if indicator.currency else amount
    return str(number_format(value, 0, force_grouping=True))


@dataclass
class Line:
    label: str
    value: Any
    text: str
    hidden: bool
    key: dict[str, str]
    link: str = ""


def one_way(table: Table) -> list[Line]:
    dim = table.by[0]
    cache: dict[str, dict[str, str]] = {}
    return [
        Line(
            label_of(dim, c.key[dim], cache),
            c.value,
            shown(table.indicator, c.value, c.suppressed),
            c.suppressed,
            c.key,
        )
        for c in table.cells
    ]


@dataclass
class Grid:
    """A two-way table: rows of the first dimension, columns of the second."""

    columns: list[str]
    rows: list[tuple[str, list[str], dict[str, str]]]


def two_way(table: Table) -> Grid:
    first, second = table.by
    cache: dict[str, dict[str, str]] = {}
    cols = table.values_of(second)
    cells = {(c.key[first], c.key[second]): c for c in table.cells}
    rows = []
    for value in table.values_of(first):
        texts = []
        for col in cols:
            cell = cells.get((value, col))
            texts.append(
                shown(table.indicator, cell.value, cell.suppressed)
                if cell
                else ("0" if table.indicator.is_count else "—")
            )
        rows.append((label_of(first, value, cache), texts, {first: value}))
    return Grid([label_of(second, c, cache) for c in cols], rows)

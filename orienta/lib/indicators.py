"""The vocabulary of results: indicators, periods, scopes, age bands and dimensions.

This module knows no app. Each domain app declares what it can count in its own
`indicators.py` (discovered by the reporting app, like the panels): it calls `register()` with
an `Indicator` whose `compute` hook takes a `Query` and returns `Row`s, one per combination of
the requested dimensions, and `register_dimension()` for the dimensions it introduces. The
reporting engine (`orienta.reporting.engine`) asks the hooks, then suppresses small counts.

A row's `n` is the number of persons or records the figure rests on: a count's own value; for a
ratio, a median or an amount, the number of records in its base. Suppression looks at `n`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Value = int | Decimal | None


class Unit(TextChoices):
    PERSONS = "persons", _("persons")
    EVENTS = "events", _("events")
    RATIO = "ratio", _("ratio")
    MEDIAN = "median", _("median")
    AMOUNT = "amount", _("amount")


COUNT_UNITS = frozenset({Unit.PERSONS, Unit.EVENTS})

UP = "up"
DOWN = "down"

# The dimension codes; values are the persons API's codes (and site and country codes).
SEX = "sex"
AGE_BAND = "age_band"
DISABILITY = "disability"
MIGRATION_STATUS = "migration_status"
COUNTRY = "country"
SITE = "site"
THEME = "theme"
CHANNEL = "channel"
OUTCOME = "outcome"
HOUSEHOLD_SIZE = "household_size"
VULNERABILITY = "vulnerability"
# The areas of the partner CSOs' capacity assessment (governance, finance…).
OCA_AREA = "oca_area"
DIMENSIONS = (
    SEX,
    AGE_BAND,
    DISABILITY,
    MIGRATION_STATUS,
    COUNTRY,
    SITE,
    THEME,
    CHANNEL,
    OUTCOME,
    HOUSEHOLD_SIZE,
    VULNERABILITY,
    OCA_AREA,
)

# The value of a dimension the record does not tell (no date of birth, WG questions not asked).
UNKNOWN = "unknown"

# The programme's youth (the programme text: 15 to 35 years old).
YOUTH_AGES = (15, 35)


# --- Periods -------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year: [start, end), end exclusive."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-11", "2026-Q4", "2026" and the DHIS2 forms "202611", "2026Q4"."""
        text = (text or "").strip()
        try:
            if match := _MONTH.match(text):
                year, month = int(match[1]), int(match[2])
                start = date(year, month, 1)
                return cls(start, _add_months(start, 1))
            if match := _QUARTER.match(text):
                year, quarter = int(match[1]), int(match[2])
                start = date(year, 3 * quarter - 2, 1)
                return cls(start, _add_months(start, 3))
            if match := _YEAR.match(text):
                start = date(int(match[1]), 1, 1)
                return cls(start, _add_months(start, 12))
        except ValueError:
            pass
        raise ValueError(
            gettext(
                "“%(text)s” is not a period: give a month (2026-11), a quarter (2026-Q4) "
                "or a year (2026)."
            )
            % {"text": text[:40]}
        )

    @classmethod
    def month_of(cls, day: date) -> Period:
        start = day.replace(day=1)
        return cls(start, _add_months(start, 1))

    @property
    def kind(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return {1: "month", 3: "quarter", 12: "year"}.get(months, "range")

    @property
    def code(self) -> str:
        kind = self.kind
        if kind == "month":
            return f"{self.start:%Y-%m}"
        if kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def dhis2(self) -> str:
        return self.code.replace("-", "")

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def months(self) -> list[Period]:
        found, start = [], self.start
        while start < self.end:
            found.append(Period(start, _add_months(start, 1)))
            start = _add_months(start, 1)
        return found

    def previous(self) -> Period:
        months = len(self.months())
        return Period(_add_months(self.start, -months), self.start)

    def __str__(self) -> str:
        return self.code


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where: every country (both None), one country, or one site (its code)."""

    country: str | None = None
    site: str | None = None

    @property
    def code(self) -> str:
        return self.site or self.country or "ALL"


# --- Age bands -----------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February): born on or before it, one
    is at least `years` old on `day`."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # inclusive; None: and over

    @property
    def code(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def __contains__(self, age: object) -> bool:
        return isinstance(age, int) and self.low <= age and (self.high is None or age <= self.high)


_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")


@dataclass(frozen=True)
class AgeBands:
    """Contiguous age bands from 0, the last one open: "0-14,15-24,25-35,36-59,60+"."""

    bands: tuple[AgeBand, ...]

    @classmethod
    def parse(cls, text: str) -> AgeBands:
        bands: list[AgeBand] = []
        for part in (text or "").replace(" ", "").split(","):
            match = _BAND.match(part)
            expected = bands[-1].high + 1 if bands and bands[-1].high is not None else 0
            if not match or (bands and bands[-1].high is None) or int(match[1]) != expected:
                raise ValueError(
                    gettext(
                        "“%(text)s” are not age bands: give contiguous bands from 0, the last "
                        "one open, such as 0-14,15-24,25-35,36-59,60+."
                    )
                    % {"text": (text or "")[:80]}
                )
            high = None if match[3] else int(match[2])
            if high is not None and high < int(match[1]):
                raise ValueError(
                    gettext("An age band ends before it starts: %(band)s.") % {"band": part}
                )
            bands.append(AgeBand(int(match[1]), high))
        if bands[-1].high is not None:
            raise ValueError(
                gettext("The last age band must be open, such as 60+: “%(text)s”.")
                % {"text": text[:80]}
            )
        return cls(tuple(bands))

    @classmethod
    def default(cls) -> AgeBands:
        return cls.parse(getattr(settings, "ORIENTA_AGE_BANDS", "0-14,15-24,25-35,36-59,60+"))

    @property
    def code(self) -> str:
        return ",".join(band.code for band in self.bands)

    def codes(self) -> list[str]:
        return [band.code for band in self.bands]

    def band_of(self, age: int | None) -> str:
        if age is None:
            return UNKNOWN
        for band in self.bands:
            if age in band:
                return band.code
        return UNKNOWN

    def cutoffs(self, on: date) -> list[tuple[date, str]]:
        """(latest birth date, band) from the oldest band down: born on or before the date, one
        is in that band or an older one on `on`. For a CASE expression in the database."""
        return [(years_before(on, band.low), band.code) for band in reversed(self.bands)]


# --- Queries and rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What a compute hook is asked: the period, where, split by what (in that order)."""

    period: Period
    scope: Scope
    by: tuple[str, ...] = ()
    age_bands: AgeBands = field(default_factory=AgeBands.default)

    @property
    def on(self) -> date:
        """The reporting date of the records' attributes (age): the period's last day."""
        return self.period.last_day


@dataclass(frozen=True)
class Row:
    """One figure: `key` holds the values of the query's `by`, in its order."""

    key: tuple[str, ...]
    value: Value
    n: int


@dataclass(frozen=True)
class Record:
    """A record behind a figure, for those allowed to open it: a code and its page."""

    code: str
    url: str


Compute = Callable[[Query], list[Row]]
# The records behind one figure: the query, the cell's key (dimension → value), a cap.
Records = Callable[[Query, dict[str, str], int], list[Record]]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise | str
    definition: Promise | str
    unit: Unit
    direction: str
    dimensions: tuple[str, ...]
    compute: Compute
    # The records behind a figure (a coordinator's check), capped; None: not traceable.
    records: Records | None = None
    # Amounts: the currency of the figure ("EUR"), or None for the local currency.
    currency: str | None = None

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS


@dataclass(frozen=True)
class Dimension:
    code: str
    name: Promise | str
    # The values the dimension can take, in display order, with their labels.
    values: Callable[[], Sequence[tuple[str, Any]]] = tuple


# --- Registries ----------------------------------------------------------------------------

_indicators: dict[str, Indicator] = {}
_dimensions: dict[str, Dimension] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.direction not in (UP, DOWN):
        raise ValueError(f"{indicator.code}: direction must be 'up' or 'down'")
    unknown = set(indicator.dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"{indicator.code}: unknown dimensions {sorted(unknown)}")
    _indicators[indicator.code] = indicator
    return indicator


def register_dimension(dimension: Dimension) -> Dimension:
    _dimensions[dimension.code] = dimension
    return dimension


def _discover() -> None:
    # The apps' indicators.py are imported when the reporting app is ready; outside Django's
    # start-up (a script importing this module), they are imported on first use.
    from orienta.lib.plugins import app_modules

    app_modules("indicators")


def get(code: str) -> Indicator:
    """The indicator of that code; KeyError when there is none."""
    _discover()
    return _indicators[code]


def all_indicators() -> list[Indicator]:
    """Every registered indicator, in registration order (INSTALLED_APPS order, then the order
    each app declares them)."""
    _discover()
    return list(_indicators.values())


def dimension(code: str) -> Dimension:
    _discover()
    if code == AGE_BAND and code not in _dimensions:
        return Dimension(AGE_BAND, _("age band"))
    return _dimensions.get(code) or Dimension(code, code)


def parse_dimensions(text: str | Iterable[str], indicator: Indicator) -> tuple[str, ...]:
    """ "sex,age_band" → ("sex", "age_band"), each one a dimension of the indicator, at most
    two and no repeat; ValueError with a translated message otherwise."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    codes = tuple(p.strip() for p in parts if p.strip())
    for code in codes:
        if code not in indicator.dimensions:
            raise ValueError(
                gettext("%(indicator)s cannot be split by “%(dimension)s”; it can be by: %(list)s.")
                % {
                    "indicator": indicator.code,
                    "dimension": code[:40],
                    "list": ", ".join(indicator.dimensions),
                }
            )
    if len(set(codes)) != len(codes) or len(codes) > 2:
        raise ValueError(gettext("Split a figure by one or two different dimensions at most."))
    return codes


# --- Helpers for the apps' compute hooks -----------------------------------------------------


def ratio_row(key: tuple[str, ...], part: int, whole: int) -> Row | None:
    """part ÷ whole to four decimals. Its `n` is the smaller of the part and the rest (a share
    of 2 in 300, or of 298 in 300, reveals a count of 2), the whole when either is zero.
    None when the whole is 0."""
    if not whole:
        return None
    value = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    rest = whole - part
    return Row(key, value, min(part, rest) if part and rest else whole)


def median_row(key: tuple[str, ...], found: Sequence[Decimal | int]) -> Row | None:
    """The median of the values, to one decimal; `n` the number of values. None when empty."""
    if not found:
        return None
    ordered = sorted(Decimal(v) for v in found)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Row(key, value.quantize(Decimal("0.1"), ROUND_HALF_UP), len(ordered))

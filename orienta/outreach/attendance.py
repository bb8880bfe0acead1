"""Attendance counted by sex × age band × disability: the value object of sessions and fairs.

An attendance is a list of rows `{"sex": "female", "age_band": "15-24", "disability": false,
"count": 12}`: the persons API's sex codes, the age bands of the setting `ORIENTA_AGE_BANDS`
(`orienta.lib.indicators.AgeBands.default()`, 0-14, 15-24, 25-35, 36-59, 60+ unless
configured) and a count of zero or more. `Attendance.parse` checks every row and refuses the
whole list with a translated message when one is wrong; nothing is saved then. A row given
twice (same sex, band and disability) is added up. Totals by sex and by age band are computed
from the rows, so they always add up to the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from orienta.lib.errors import Refused
from orienta.lib.indicators import AgeBands
from orienta.people.models import Sex

# A count above this is a typing error (no session reaches a hundred thousand people).
MAX_COUNT = 99_999


class BadAttendance(Refused):
    """Counts that cannot be right: negative, unknown sex or band, fewer than the named."""

    status = 422


def age_bands() -> AgeBands:
    """The age bands attendance is counted in (the setting `ORIENTA_AGE_BANDS`)."""
    return AgeBands.default()


@dataclass(frozen=True, order=True)
class Row:
    sex: str
    age_band: str
    disability: bool
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "sex": self.sex,
            "age_band": self.age_band,
            "disability": self.disability,
            "count": self.count,
        }


def _count(value: object) -> int:
    if isinstance(value, bool):
        raise BadAttendance(_("A count must be a whole number of persons."))
    if isinstance(value, str):
        value = value.strip() or "0"
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise BadAttendance(_("A count must be a whole number of persons.")) from None
    if isinstance(value, float) and value != number:
        raise BadAttendance(_("A count must be a whole number of persons."))
    if number < 0:
        raise BadAttendance(_("A count cannot be negative."))
    if number > MAX_COUNT:
        raise BadAttendance(
            _("A count above %(max)s persons cannot be right.") % {"max": f"{MAX_COUNT:,}"}
        )
    return number


def _disability(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in (None, "", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise BadAttendance(_("“disability” must be true or false."))


@dataclass(frozen=True)
class Attendance:
    """The rows with a count above zero, one per sex × age band × disability, sorted."""

    rows: tuple[Row, ...] = ()

    @classmethod
    def parse(cls, items: Iterable[Mapping[str, Any]], bands: AgeBands | None = None) -> Attendance:
        bands = bands or age_bands()
        codes, sexes = set(bands.codes()), set(Sex.values)
        found: dict[tuple[str, str, bool], int] = {}
        for item in items:
            if not isinstance(item, Mapping):
                raise BadAttendance(
                    _("Each attendance row must give a sex, an age band and a count.")
                )
            sex, band = str(item.get("sex", "")), str(item.get("age_band", ""))
            if sex not in sexes:
                raise BadAttendance(
                    _("“%(value)s” is not a sex; give one of: %(list)s.")
                    % {"value": sex[:20], "list": ", ".join(Sex.values)}
                )
            if band not in codes:
                raise BadAttendance(
                    _("“%(value)s” is not an age band; give one of: %(list)s.")
                    % {"value": band[:20], "list": ", ".join(bands.codes())}
                )
            key = (sex, band, _disability(item.get("disability", False)))
            found[key] = found.get(key, 0) + _count(item.get("count"))
        total = sum(found.values())
        if total > MAX_COUNT:
            raise BadAttendance(
                _("A count above %(max)s persons cannot be right.") % {"max": f"{MAX_COUNT:,}"}
            )
        return cls(tuple(sorted(Row(*key, n) for key, n in found.items() if n)))

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)

    def by_sex(self) -> dict[str, int]:
        return self._by(lambda row: row.sex)

    def by_age_band(self) -> dict[str, int]:
        return self._by(lambda row: row.age_band)

    def with_disability(self) -> int:
        return sum(row.count for row in self.rows if row.disability)

    def _by(self, key: Any) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.rows:
            totals[key(row)] = totals.get(key(row), 0) + row.count
        return totals

    def count_of(self, sex: str, band: str, disability: bool) -> int:
        for row in self.rows:
            if (row.sex, row.age_band, row.disability) == (sex, band, disability):
                return row.count
        return 0

    def as_list(self) -> list[dict[str, Any]]:
        return [row.as_dict() for row in self.rows]

    def check_named(self, named: int) -> None:
        """More persons named than counted is refused: the count is too small."""
        if named > self.total:
            raise BadAttendance(
                _(
                    "%(named)s persons are named but only %(total)s are counted: correct the "
                    "counts, or remove names."
                )
                % {"named": named, "total": self.total}
            )

    def check_totals(self, *, total: int | None = None) -> None:
        """A total given by the user (a form's "total" box) must equal the sum of the rows."""
        if total is not None and total != self.total:
            raise BadAttendance(
                _(
                    "The counts add up to %(sum)s, not to the total of %(total)s given: correct "
                    "a count or the total."
                )
                % {"sum": self.total, "total": total}
            )


def grid(attendance: Attendance, bands: AgeBands | None = None) -> list[dict[str, Any]]:
    """The counts as a sex × age band grid for forms and pages: one line per sex (female and
    male, then the others only when counted), each with its cells and its total."""
    bands = bands or age_bands()
    counted = attendance.by_sex()
    lines = []
    for sex, label in Sex.choices:
        if sex not in (Sex.FEMALE, Sex.MALE) and not counted.get(sex):
            continue
        cells = [
            {
                "band": band,
                "count": attendance.count_of(sex, band, False),
                "disabled": attendance.count_of(sex, band, True),
            }
            for band in bands.codes()
        ]
        lines.append({"sex": sex, "label": label, "cells": cells, "total": counted.get(sex, 0)})
    return lines

"""A diagnostic's data: reading a collected file, and the tables computed from it.

Import (`read_responses`): a CSV (comma, semicolon or tab; UTF-8, else Windows-1252) or XLSX
file, as typed by hand or exported from an XLSForm tool (KoboToolbox, ODK: group prefixes such
as "respondent/sex" are dropped, the tool's own columns starting with "_" are left out, an
interview date may be given as the tool's `today`, `start` or `_submission_time`). Line 1 names
the columns; each following line is a respondent with at least an area (a code or a name of an
area of the study's country, inside the studied area when there is one), a sex, an age in years
and the interview date, inside the study's period. Every line is checked before anything is
written; the errors name the line, the column (its letter and its heading) and the problem,
translated. Other columns are kept as they came, as text (never computed), for later analysis.

Tables (`tables`): respondents by area and sex, by area and age band, by age band and sex,
with small counts suppressed as the results engine does (`orienta.reporting.engine`): a
figure of 1 to threshold-1 respondents is hidden, then in every line with one hidden figure a
second one is hidden (the smallest), or the total when the line is the table's only one.
"""

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from orienta.core.models import Area
from orienta.lib.indicators import UNKNOWN, AgeBands
from orienta.lib.tabular import TooLarge, TooManyRows, xlsx_sheets
from orienta.networks.models import Sex, Study

MAX_LINES = 20_000
# What an XLSX file (a zip archive) may unpack to.
MAX_UNZIPPED = 40 * 1024 * 1024
MAX_ERRORS = 50
MAX_ANSWERS = 60
MAX_ANSWER_LENGTH = 500

# Headings accepted for each required column (lower case, without accents or group prefix).
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area", "zone", "zona", "region", "district", "distrito", "area_code", "localite"),
    "sex": ("sex", "sexe", "sexo", "gender", "genre", "genero"),
    "age": ("age", "idade", "age_years", "age_ans", "idade_anos"),
    "date": (
        "date",
        "interview_date",
        "date_entretien",
        "data",
        "data_entrevista",
        "today",
        "start",
        "_submission_time",
    ),
}
SEXES = {
    Sex.FEMALE: {"f", "female", "femme", "feminin", "feminine", "feminino", "mulher", "2"},
    Sex.MALE: {"m", "male", "homme", "masculin", "masculino", "homem", "1"},
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_START = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]")


@dataclass(frozen=True)
class Line:
    line: int
    area: Area
    sex: str
    age: int
    interviewed_on: date
    answers: dict[str, str]


@dataclass
class Reading:
    lines: list[Line] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    def fail(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more_errors += 1


def _plain(text: object) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return folded.strip().lower()


def _heading(text: object) -> str:
    return _plain(text).rsplit("/", 1)[-1].replace(" ", "_").replace("-", "_")


def column_letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column `index` (0 -> A, 26 -> AA)."""
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _too_many() -> str:
    return _("The file holds more than %(n)s lines.") % {"n": MAX_LINES}


def _rows(raw: bytes, name: str) -> list[list[object]]:
    """The file's rows; ValueError with a translated message when it cannot be read."""
    if name.lower().endswith(".xlsx") or raw.startswith(b"PK\x03\x04"):
        try:
            sheets = xlsx_sheets(
                raw, max_rows=MAX_LINES + 1, max_sheets=1, max_unzipped=MAX_UNZIPPED
            )
        except TooManyRows:
            raise ValueError(_too_many()) from None
        except TooLarge:
            raise ValueError(_("The file is too large once unpacked.")) from None
        except ValueError:
            raise ValueError(_("This file is not a workbook that can be read (XLSX).")) from None
        return sheets[0][1] if sheets else []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValueError(_("Give a CSV or XLSX file."))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    rows: list[list[object]] = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(list(row))
        if len(rows) > MAX_LINES + 1:
            break
    return rows


def _find_columns(header: list[object], reading: Reading) -> dict[str, int]:
    headings = [_heading(h) for h in header]
    found: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in headings:
                found[key] = headings.index(alias)
                break
        else:
            reading.fail(
                _("Line 1: the column “%(column)s” is missing (accepted headings: %(names)s).")
                % {"column": key, "names": ", ".join(aliases[:4])}
            )
    return found


class _Areas:
    """The areas a line may name: those of the study's country, inside the studied area."""

    def __init__(self, study: Study) -> None:
        areas = Area.objects.filter(country_id=study.country_id)
        if study.area_id:
            areas = areas.filter(pk=study.area_id) | areas.filter(parent_id=study.area_id)
        self.by_key: dict[str, Area] = {}
        for area in areas:
            self.by_key.setdefault(_plain(area.code), area)
            self.by_key.setdefault(_plain(area.name), area)

    def get(self, value: object) -> Area | None:
        return self.by_key.get(_plain(value))


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if match := _ISO_START.match(text):
        text = match[1]
    if match := _DAY_FIRST.match(text):
        text = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    try:
        return parse_date(text)
    except ValueError:
        return None


def _age(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value or "").strip().replace(",", "."))
        except ValueError:
            return None
    if not number.is_integer() or not 0 <= number <= 120:
        return None
    return int(number)


def _sex(value: object) -> str | None:
    text = _plain(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return next((sex for sex, names in SEXES.items() if text in names), None)


def _show(value: object) -> str:
    return str(value if value is not None else "")[:40]


class _Checker:
    def __init__(self, study: Study, header: list[object], columns: dict[str, int]) -> None:
        self.study, self.header, self.columns = study, header, columns
        self.areas = _Areas(study)
        known = set(columns.values())
        self.extra = [
            (i, str(h).strip()[:80])
            for i, h in enumerate(header)
            if i not in known and str(h or "").strip() and not _heading(h).startswith("_")
        ][:MAX_ANSWERS]

    def where(self, line: int, key: str) -> dict[str, object]:
        index = self.columns[key]
        return {"line": line, "letter": column_letter(index), "name": _show(self.header[index])}

    def check(self, line: int, row: list[object], reading: Reading) -> None:
        cell = {key: (row[i] if i < len(row) else None) for key, i in self.columns.items()}
        problems: list[tuple[str, str]] = []
        area = self.areas.get(cell["area"])
        if area is None:
            problems.append(("area", _("“%(value)s” is not an area of the study.")))
        sex = _sex(cell["sex"])
        if sex is None:
            problems.append(("sex", _("“%(value)s” is not a sex: give female or male.")))
        age = _age(cell["age"])
        if age is None:
            problems.append(("age", _("“%(value)s” is not an age in whole years (0 to 120).")))
        day = _date(cell["date"])
        if day is None:
            problems.append(("date", _("“%(value)s” is not a date: give 2026-03-31.")))
        elif not self.study.starts_on <= day <= self.study.ends_on:
            problems.append(("date", _("“%(value)s” is outside the study's period.")))
        for key, problem in problems:
            reading.fail(
                _("Line %(line)s, column %(letter)s (%(name)s): %(problem)s")
                % (self.where(line, key) | {"problem": problem % {"value": _show(cell[key])}})
            )
        if problems or area is None or sex is None or age is None or day is None:
            return
        answers = {
            name: str(row[i])[:MAX_ANSWER_LENGTH]
            for i, name in self.extra
            if i < len(row) and row[i] not in (None, "")
        }
        reading.lines.append(Line(line, area, sex, age, day, answers))


def read_responses(study: Study, raw: bytes, name: str) -> Reading:
    """Every line of the file checked against the study; nothing is written here."""
    reading = Reading()
    try:
        rows = _rows(raw, name)
    except ValueError as exc:
        reading.fail(str(exc))
        return reading
    if len(rows) > MAX_LINES + 1:
        reading.fail(_too_many())
        return reading
    if not rows or not any(v not in (None, "") for v in rows[0]):
        reading.fail(_("Line 1 must name the columns."))
        return reading
    columns = _find_columns(rows[0], reading)
    if reading.errors:
        return reading
    checker = _Checker(study, rows[0], columns)
    for number, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        checker.check(number, row, reading)
    if not reading.lines and not reading.errors:
        reading.fail(_("The file holds no data under its headings."))
    return reading


# Tables
# =============================================================================================


def threshold() -> int:
    return int(getattr(settings, "ORIENTA_SUPPRESSION_THRESHOLD", 5))


@dataclass
class Figure:
    n: int
    hidden: bool = False
    # Where it stands in its table (the engine's tie-break between equal figures).
    key: tuple[str, ...] = ()

    @property
    def value(self) -> int | None:
        return None if self.hidden else self.n


@dataclass
class Table:
    """A two-way table: rows × columns, their margins and total, small counts hidden."""

    title: str
    rows: list[tuple[str, str]]  # (code, label)
    columns: list[tuple[str, str]]
    cells: dict[tuple[str, str], Figure]
    row_totals: dict[str, Figure]
    column_totals: dict[str, Figure]
    total: Figure

    def line(self, row: str) -> list[Figure]:
        return [self.cells[(row, column)] for column, _label in self.columns]

    @property
    def body(self) -> list[tuple[str, list[Figure], Figure]]:
        """For display: each row's label, figures and total."""
        return [(label, self.line(code), self.row_totals[code]) for code, label in self.rows]

    @property
    def footer(self) -> list[Figure]:
        return [self.column_totals[code] for code, _label in self.columns]


def protect(cells: dict[tuple[str, ...], Figure], total: Figure, limit: int) -> None:
    """Primary then secondary suppression of a one- or two-way table, in place, as the
    results engine's `protect` does."""
    total.hidden = 0 < total.n < limit
    for key, figure in cells.items():
        figure.key = key
        figure.hidden = 0 < figure.n < limit or (total.hidden and figure.n > 0)
    keys = list(cells)
    ways = len(keys[0]) if keys else 0
    lines: list[tuple[list[Figure], bool]] = []
    for dim in range(ways):
        groups: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
        for key in keys:
            groups[key[:dim] + key[dim + 1 :]].append(cells[key])
        lines += [(group, ways == 1) for group in groups.values()]
    changed = True
    while changed:
        changed = False
        for line, margin_is_total in lines:
            changed |= _protect_line(total, line, margin_is_total, lines)


def _protect_line(
    total: Figure,
    line: list[Figure],
    margin_is_total: bool,
    lines: list[tuple[list[Figure], bool]],
) -> bool:
    hidden = [f for f in line if f.hidden]
    if len(hidden) != 1 or (margin_is_total and total.hidden):
        return False
    candidates = [f for f in line if not f.hidden and f.n > 0]
    if candidates:

        def cost(figure: Figure) -> tuple[int, int, tuple[str, ...]]:
            lonely = any(
                not any(f.hidden for f in other)
                for other, _total in lines
                if other is not line and any(f is figure for f in other)
            )
            return (int(lonely), figure.n, figure.key)

        min(candidates, key=cost).hidden = True
        return True
    if margin_is_total:
        total.hidden = True
        return True
    return False


def _one_way(counts: dict[str, int], grand: int, limit: int) -> tuple[dict[str, Figure], Figure]:
    figures = {key: Figure(n) for key, n in counts.items()}
    total = Figure(grand)
    protect({(key,): figure for key, figure in figures.items()}, total, limit)
    return figures, total


def _table(
    title: str,
    rows: list[tuple[str, str]],
    columns: list[tuple[str, str]],
    counts: dict[tuple[str, str], int],
    limit: int,
) -> Table:
    cells = {(r, c): Figure(counts.get((r, c), 0)) for r, _l in rows for c, _m in columns}
    grand = sum(counts.values())
    total = Figure(grand)
    protect(dict(cells.items()), total, limit)
    by_row = {r: sum(counts.get((r, c), 0) for c, _m in columns) for r, _l in rows}
    by_column = {c: sum(counts.get((r, c), 0) for r, _l in rows) for c, _m in columns}
    row_totals, _t = _one_way(by_row, grand, limit)
    column_totals, total_of_columns = _one_way(by_column, grand, limit)
    total.hidden = total.hidden or total_of_columns.hidden or _t.hidden
    return Table(title, rows, columns, cells, row_totals, column_totals, total)


@dataclass(frozen=True)
class Respondent:
    area: str
    sex: str
    band: str


def tables(
    respondents: Iterable[Respondent], areas: list[tuple[str, str]], bands: AgeBands
) -> list[Table]:
    """The three tables of a diagnostic, small counts hidden."""
    limit = threshold()
    sexes = [(code, str(label)) for code, label in Sex.choices]
    band_list = [(code, code) for code in bands.codes()]
    by: dict[str, dict[tuple[str, str], int]] = {
        "area_sex": defaultdict(int),
        "area_band": defaultdict(int),
        "band_sex": defaultdict(int),
    }
    for one in respondents:
        by["area_sex"][(one.area, one.sex)] += 1
        by["area_band"][(one.area, one.band)] += 1
        by["band_sex"][(one.band, one.sex)] += 1
    if any(band == UNKNOWN for band, _sex in by["band_sex"]):
        band_list.append((UNKNOWN, _("unknown")))
    return [
        _table(_("Respondents by area and sex"), areas, sexes, by["area_sex"], limit),
        _table(_("Respondents by area and age band"), areas, band_list, by["area_band"], limit),
        _table(_("Respondents by age band and sex"), band_list, sexes, by["band_sex"], limit),
    ]


def respondents_of(study: Study, bands: AgeBands) -> Iterator[Respondent]:
    rows = study.responses.filter(deleted_at__isnull=True).values_list("area__code", "sex", "age")
    for area, sex, age in rows.iterator():
        yield Respondent(area, sex, bands.band_of(age))


def study_tables(study: Study, bands: AgeBands | None = None) -> list[Table]:
    bands = bands or AgeBands.default()
    used = study.responses.filter(deleted_at__isnull=True).values("area_id").distinct()
    areas = [(a.code, a.name) for a in Area.objects.filter(pk__in=used).order_by("name")]
    return tables(respondents_of(study, bands), areas, bands)


def answers_of(rows: Iterable[dict[str, Any]]) -> list[str]:
    """The headings of the kept answers, in the order first met."""
    seen: dict[str, None] = {}
    for answers in rows:
        for key in answers:
            seen.setdefault(key, None)
    return list(seen)

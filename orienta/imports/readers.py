"""Reading the exports of field forms into submissions, each with its repeat groups' rows.

- KoboToolbox CSV: one file, `;` between cells by default (`,` and tabs are recognised too),
  headers as XLSForm names, with their groups' path when exported so (`identite/nom`). Kobo's
  CSV holds no repeat group.
- KoboToolbox XLSX: the first sheet holds the submissions, each with its `_index`; each repeat
  group is a sheet of its own whose rows point to their submission by `_parent_index` (and
  `_parent_table_name`).
- ODK Central: the submissions CSV (groups joined by `-`: `meta-instanceID`), each with its
  `KEY`; downloaded as a zip, it holds one more CSV per repeat group (`form-members.csv`) whose
  rows point to their submission by `PARENT_KEY`.

A submission is known by its `instanceID` (`meta/instanceID`, `meta-instanceID`, `KEY`, or
Kobo's `_uuid`), without its `uuid:` prefix, so that the CSV and the XLSX export of the same
form name the same submissions. Every row keeps its place: the file (or sheet) and the line as a
spreadsheet program numbers it (the headers are line 1).

Limits hold against a file made to exhaust the server: its size (checked by the form), its
unzipped size, the number of files in a zip, of lines and of columns.
"""

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from orienta.imports.models import Source
from orienta.lib import tabular

# Each submission is checked and written twice (the dry run, then the import): a few hundred
# fit in the server's time limit of a request; a larger file is checked and imported by the
# task queue's worker, up to the BACKGROUND_ limits (see docs/imports.md).
MAX_LINES = 2_000  # in all the tables of a file
MAX_SUBMISSIONS = 300
BACKGROUND_MAX_LINES = 30_000
BACKGROUND_MAX_SUBMISSIONS = 10_000
MAX_COLUMNS = 600
MAX_UNZIPPED = 40 * 1024 * 1024
MAX_FILES = 30
MAX_CELL = 5_000
ID_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_uuid")


def max_bytes() -> int:
    """The largest file accepted (the setting `ORIENTA_IMPORT_MAX_BYTES`, 5 MB by default)."""
    return int(getattr(settings, "ORIENTA_IMPORT_MAX_BYTES", 5 * 1024 * 1024))


class Unreadable(Exception):
    """The file cannot be read as an export; `problems` says why (translated sentences)."""

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)
        self.problems = list(problems)


@dataclass
class Row:
    table: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)


@dataclass
class Submission:
    row: Row
    instance_id: str
    children: list[Row] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.row.line


@dataclass
class Export:
    source: str
    main: Table
    repeats: list[Table] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return len(self.main.rows) + sum(len(t.rows) for t in self.repeats)

    @property
    def large(self) -> bool:
        """Too large to check and import within a request: the worker does it."""
        return len(self.submissions) > MAX_SUBMISSIONS or self.lines > MAX_LINES

    def repeat_headers(self) -> list[str]:
        """The columns of the repeat groups, each once, in the order met."""
        seen: dict[str, None] = {}
        for table in self.repeats:
            seen.update(dict.fromkeys(table.headers))
        return list(seen)


def instance_id(row: Row) -> str:
    for column in ID_COLUMNS:
        value = row.get(column).strip()
        if value:
            return value.removeprefix("uuid:")
    return ""


def _text(value: object) -> str:
    """A cell as text: dates in ISO form, whole numbers without ".0", nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()[:MAX_CELL]


def _table(name: str, rows: list[list[object]], first_line: int = 1) -> Table:
    """A table from its rows, the first being the headers; lines counted from `first_line`."""
    if not rows:
        raise Unreadable(_("%(file)s is empty.") % {"file": name})
    headers = [_text(h) for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise Unreadable(
            _("%(file)s has more than %(max)s columns.") % {"file": name, "max": MAX_COLUMNS}
        )
    if len(set(headers)) != len(headers) or "" in headers:
        raise Unreadable(_("%(file)s: every column needs a heading of its own.") % {"file": name})
    table = Table(name, headers)
    for offset, values in enumerate(rows[1:], start=1):
        if all(v in (None, "") for v in values):
            continue
        cells = {h: _text(v) for h, v in zip(headers, values, strict=False)}
        table.rows.append(Row(name, first_line + offset, cells))
    return table


# CSV
# =============================================================================================


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(
            _("%(file)s is not UTF-8 text: export it again from the server.") % {"file": name}
        ) from None


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((";", ",", "\t"), key=header.count)


def read_csv(raw: bytes, name: str) -> Table:
    """A CSV table; a line is the file's line where the record starts (a quoted cell may
    hold line breaks)."""
    text = _decode(raw, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[object]] = []
    lines: list[int] = []
    try:
        start = 1
        for record in reader:
            rows.append(list(record))
            lines.append(start)
            start = reader.line_num + 1
            if len(rows) > BACKGROUND_MAX_LINES + 1:
                raise Unreadable(_too_many())
    except csv.Error as exc:
        raise Unreadable(
            _("%(file)s, line %(line)s: the CSV cannot be read (%(error)s).")
            % {"file": name, "line": reader.line_num, "error": exc}
        ) from None
    table = _table(name, rows)
    for row in table.rows:  # the line where each record starts, not its position
        row.line = lines[row.line - 1]
    return table


def _too_many() -> str:
    return _("The file holds more than %(max)s lines: split it into smaller exports.") % {
        "max": f"{BACKGROUND_MAX_LINES:,}"
    }


# Zip archives (ODK Central, and XLSX files which are zips)
# =============================================================================================


def _archive(raw: bytes, name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise Unreadable(_("%(file)s cannot be opened.") % {"file": name}) from None
    members = archive.infolist()
    if len(members) > MAX_FILES * 10 or sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise Unreadable(_("%(file)s is too large once unpacked.") % {"file": name})
    return archive


def read_odk_zip(raw: bytes, name: str) -> Export:
    archive = _archive(raw, name)
    csvs = [m for m in archive.namelist() if m.lower().endswith(".csv")]
    if not csvs or len(csvs) > MAX_FILES:
        raise Unreadable(_("The zip holds no submissions CSV of ODK Central."))
    tables = [read_csv(archive.read(m), PurePosixPath(m).name) for m in csvs]
    mains = [t for t in tables if "KEY" in t.headers and "PARENT_KEY" not in t.headers]
    if len(mains) != 1:
        raise Unreadable(_("The zip holds no submissions CSV of ODK Central."))
    main = mains[0]
    repeats = [t for t in tables if "PARENT_KEY" in t.headers]
    if sum(len(t.rows) for t in tables) > BACKGROUND_MAX_LINES:
        raise Unreadable(_too_many())
    export = Export(Source.ODK_ZIP, main, repeats)
    by_key: dict[str, list[Row]] = defaultdict(list)
    for table in repeats:
        for row in table.rows:
            by_key[row.get("PARENT_KEY")].append(row)
    _submissions(export, lambda row: by_key.get(row.get("KEY"), []))
    return export


def read_kobo_xlsx(raw: bytes, name: str) -> Export:
    _archive(raw, name)
    try:
        sheets = tabular.xlsx_sheets(raw, max_rows=BACKGROUND_MAX_LINES + MAX_FILES)
    except tabular.TooManyRows:
        raise Unreadable(_too_many()) from None
    except ValueError:
        raise Unreadable(_("%(file)s cannot be opened.") % {"file": name}) from None
    sheets = [(title, rows) for title, rows in sheets if rows][:MAX_FILES]
    if not sheets:
        raise Unreadable(_("%(file)s is empty.") % {"file": name})
    main = _table(*sheets[0])
    repeats = [_table(title, rows) for title, rows in sheets[1:]]
    export = Export(Source.KOBO_XLSX, main, repeats)
    children: dict[str, list[Row]] = defaultdict(list)
    for table in repeats:
        for row in table.rows:
            parent = row.get("_parent_table_name")
            if parent in ("", main.name):
                children[row.get("_parent_index")].append(row)
    _submissions(export, lambda row: children.get(row.get("_index"), []))
    return export


def _submissions(export: Export, children_of: Callable[[Row], list[Row]]) -> None:
    if len(export.main.rows) > BACKGROUND_MAX_SUBMISSIONS:
        raise Unreadable(
            _("The file holds more than %(max)s submissions: split it into smaller exports.")
            % {"max": f"{BACKGROUND_MAX_SUBMISSIONS:,}"}
        )
    for row in export.main.rows:
        export.submissions.append(Submission(row, instance_id(row), list(children_of(row))))


def read(raw: bytes, name: str) -> Export:
    """The export in the file, whatever its kind (by its name's extension and its headers)."""
    lower = name.lower()
    if lower.endswith(".zip"):
        return read_odk_zip(raw, name)
    if lower.endswith(".xlsx"):
        return read_kobo_xlsx(raw, name)
    if not lower.endswith(".csv"):
        raise Unreadable(_("Upload a CSV, XLSX or zip file exported from KoboToolbox or ODK."))
    table = read_csv(raw, name)
    odk = "KEY" in table.headers or "meta-instanceID" in table.headers
    export = Export(Source.ODK_CSV if odk else Source.KOBO_CSV, table)
    _submissions(export, lambda row: [])
    return export


def form_key(name: str) -> str:
    """The form's name as its export file is named: ODK Central's `form.zip` / `form.csv`,
    Kobo's `Form_name_-_all_versions_-_…_2026-12-01-10-00-00.xlsx`."""
    stem = PurePosixPath(name).stem
    for cut in ("_-_all_versions", " - all versions", "_-_latest_version", " - latest version"):
        stem = stem.split(cut)[0]
    return stem.strip()[:120] or "form"

"""Every cell of every spreadsheet (XLSX) and CSV file Orienta writes goes through here.

A spreadsheet program reads a cell whose text starts with "=", "+", "-", "@", a tab or a carriage
return as a formula, and a name typed in a form ("=HYPERLINK(...)", "@SUM(...)") would then run
on the computer of whoever opens the file (CSV or formula injection). Following OWASP's advice,
such text is written with a leading apostrophe, so that it is shown as the text it is and never
evaluated. Numbers, dates, times, booleans and empty cells are written as they are: a negative
amount stays a number. Any other value is written as its text, neutralised the same way.

- `Sheet`: an XLSX workbook filled row by row (`append`), sheet after sheet (`add`), then
  `to_bytes()`;
- `csv_writer(out)`: a `csv.writer` whose rows are neutralised;
- `xlsx_sheets(raw, max_rows=…)`: the one reader of uploaded XLSX files: the sheets read as
  values, never formulas, bounded in rows and in unpacked size (the field-form imports of
  KoboToolbox, the diagnostics' collected data);
- `restore(text)`: the inverse of the neutralising, for importers of Orienta's own files
  (the HSDS exchange): exactly one leading apostrophe is removed, and only where one was
  added. A text that already starts with apostrophes before a formula character gets one more,
  so export → import → export gives back the very same text.

Nothing else in Orienta imports `openpyxl` or calls `csv.writer` to write a file; a test
(orienta/core/tests/test_spreadsheet_exports.py) fails if a module does.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# Values written as they are: spreadsheets store them as numbers, dates or booleans.
PLAIN_TYPES = (bool, int, float, Decimal, datetime, date, time)
# Characters a sheet title may not hold (openpyxl refuses them), and its longest length.
TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
TITLE_MAX = 31
# What a cell holds once neutralised.
type CellValue = bool | int | float | Decimal | datetime | date | time | str | None


def needs_escape(text: str) -> bool:
    """The text would be read as a formula, or it is an escaped formula already (which then
    takes one more apostrophe, so that `restore` gives it back)."""
    return text.lstrip(ESCAPE).startswith(FORMULA_START)


def neutralise(value: object) -> CellValue:
    """The value as it is safe to write in a cell: None, numbers, dates and booleans as they
    are; anything else as text, with a leading apostrophe when it would start a formula."""
    if value is None or isinstance(value, PLAIN_TYPES):
        return value
    text = str(value)
    return ESCAPE + text if needs_escape(text) else text


def restore(text: str) -> str:
    """The text as it was before `neutralise` (importers of files Orienta wrote)."""
    if text.startswith(ESCAPE) and needs_escape(text[1:]):
        return text[1:]
    return text


# XLSX
# =============================================================================================


def _title(title: object) -> str:
    return TITLE_FORBIDDEN.sub(" ", str(title or "")).strip()[:TITLE_MAX]


class Sheet:
    """An XLSX workbook, written row by row with every cell neutralised; `add` starts another
    sheet.

    The cells that hold text are stored as text (openpyxl would otherwise store a text
    starting with "=" as a formula); characters that XLSX cannot hold are left out.
    """

    def __init__(self, title: str = ""):
        self.book = Workbook()
        sheet = self.book.active
        assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
        self.sheet = sheet
        self.sheet.title = _title(title) or "1"

    def add(self, title: str) -> None:
        """Start another sheet of the workbook, titled `title`: the rows appended from now on
        go there."""
        sheet = self.book.create_sheet(_title(title) or None)
        self.sheet = sheet

    def append(
        self, values: Iterable[object] = (), *, bold: bool = False, size: float | None = None
    ) -> None:
        """One row; `bold` and `size` set its font."""
        row = [neutralise(v) for v in values]
        row = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        self.sheet.append(row)
        if not values:
            return
        for cell in self.sheet[self.sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if bold or size:
                cell.font = Font(bold=bold, size=size)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


# CSV
# =============================================================================================


class CsvWriter:
    """A `csv.writer` (same arguments) whose every cell is neutralised."""

    def __init__(self, out: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, values: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(v) for v in values])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(out: IO[str], **kwargs: Any) -> CsvWriter:
    return CsvWriter(out, **kwargs)


# Reading XLSX
# =============================================================================================


class TooManyRows(ValueError):
    """A sheet holds more rows than the reader was allowed to read."""


class TooLarge(ValueError):
    """The workbook would unpack to more than the reader was allowed to unpack."""


# An XLSX file is a zip archive: what it may unpack to, and how many parts it may hold.
MAX_UNZIPPED = 40 * 1024 * 1024
MAX_PARTS = 300


def _check_package(raw: bytes, max_unzipped: int) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValueError(str(exc)) from None
    if len(members) > MAX_PARTS or sum(m.file_size for m in members) > max_unzipped:
        raise TooLarge(max_unzipped)


def xlsx_sheets(
    raw: bytes,
    *,
    max_rows: int,
    max_sheets: int | None = None,
    max_unzipped: int = MAX_UNZIPPED,
) -> list[tuple[str, list[list[object]]]]:
    """The sheets of an XLSX file (the first `max_sheets`, or all) as (title, rows of cell
    values), in the workbook's order: the one reader of uploaded workbooks (the field-form
    imports, the diagnostics' collected data).

    Cells are read as the values the spreadsheet program last computed: a formula's text is
    never returned, nor computed here. Empty trailing rows are dropped. More than `max_rows`
    rows in all raises TooManyRows; a file that would unpack to more than `max_unzipped` bytes
    raises TooLarge (a zip bomb is refused before anything is unpacked); a file that is not an
    XLSX workbook raises ValueError (TooManyRows and TooLarge are ValueErrors too)."""
    _check_package(raw, max_unzipped)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValueError(str(exc)) from None
    sheets, total = [], 0
    try:
        for sheet in book.worksheets[:max_sheets]:
            rows: list[list[object]] = []
            for values in sheet.iter_rows(values_only=True):
                total += 1
                if total > max_rows:
                    raise TooManyRows(max_rows)
                rows.append(list(values))
            while rows and all(v in (None, "") for v in rows[-1]):
                rows.pop()
            sheets.append((str(sheet.title), rows))
    finally:
        book.close()
    return sheets

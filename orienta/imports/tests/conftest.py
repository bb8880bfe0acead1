import io
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""


def odk_zip(fix_line_7: bool = False) -> bytes:
    """ODK Central's download: the submissions CSV and the members' repeat group, zipped."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((FIXTURES / "odk").glob("*.csv")):
            data = path.read_bytes()
            if fix_line_7:
                data = data.replace(b"1995-02-30", b"1995-02-28")
            archive.writestr(path.name, data)
    return out.getvalue()


def kobo_csv(fix_line_7: bool = False) -> bytes:
    data = (FIXTURES / "kobo_visites.csv").read_bytes()
    return data.replace(b"04/13/2026", b"04/03/2026") if fix_line_7 else data


def kobo_xlsx(fix_line_7: bool = False) -> bytes:
    if not fix_line_7:
        return (FIXTURES / "kobo_sensibilisations.xlsx").read_bytes()
    from openpyxl import load_workbook

    book = load_workbook(FIXTURES / "kobo_sensibilisations.xlsx")
    book.active["F7"] = "2026-02-21"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def kobo_csv_large(submissions: int = 360, bad_line: int | None = None) -> bytes:
    """Kobo's CSV of visits with `submissions` submissions: the seven of the fixture (lines 2
    to 8, line 7's date corrected), then anonymous visitors shaped as line 3, each with its own
    instanceID; the visit date of `bad_line` is not a date."""
    lines = kobo_csv(True).decode("utf-8").splitlines()
    header = lines[0].split(";")
    shape = lines[2].split(";")
    at = {name: header.index(name) for name in header}
    for n in range(submissions - (len(lines) - 1)):
        line = len(lines) + 1
        cells = list(shape)
        key = f"1b2c3d4e-5f60-4a7b-8c9d-{n:012d}"
        cells[at["meta/instanceID"]] = f"uuid:{key}"
        cells[at["_uuid"]] = key
        cells[at["_id"]] = str(1000 + n)
        cells[at["_index"]] = str(line - 1)
        cells[at["personne/sexe"]] = ("female", "male")[n % 2]
        cells[at["personne/age"]] = str(18 + n % 60)
        if line == bad_line:
            cells[at["visite/date_visite"]] = "04/13/2026"
        lines.append(";".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")

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

"""The resource centre and the diagnostics' tables as spreadsheets: the reader's scope only,
names of those who attended only to those who work with them, small counts hidden."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from orienta.networks.services import support_participant_add
from orienta.networks.tests.factories import make_document, make_study, make_support


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _sheets(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    return {
        sheet.title: [[c.value for c in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


@pytest.fixture
def library(world, users):
    td, mz = users["coordinator_td"], users["coordinator_mz"]
    make_document(td, world["td"], title="Guide TD")
    make_document(mz, world["mz"], title="Guide MZ")
    other = world["org_td"].__class__.objects.create(
        name="Autre association", kind="cso", country=world["td"]
    )
    support = make_support(td, world["td"], [world["org_td"], other], topic="Formation TD")
    support_participant_add(
        support=support, name="Moussa Ali", sex="male", organisation=other, by=td
    )
    make_support(mz, world["mz"], [world["org_mz"]], topic="Formação MZ")
    return support


def test_the_resource_centre_export_for_a_coordinator_holds_the_names_of_their_country(
    login, users, library
):
    sheets = _sheets(login(users["coordinator_td"]).get("/resources/export.xlsx"))
    assert [row[0] for row in sheets["Library"][1:]] == ["Guide TD"]
    support = sheets["Support given to CSOs"]
    assert [row[3] for row in support[1:]] == ["Formation TD"]
    assert support[1][7:10] == [1, 1, 2]  # women, men, participants
    assert sorted(row[2] for row in sheets["Attendance"][1:]) == ["Achta Brahim", "Moussa Ali"]


def test_a_csos_staff_sees_only_its_own_people_in_the_attendance(login, users, library):
    sheets = _sheets(login(users["cso_td"]).get("/resources/export.xlsx"))
    assert [row[2] for row in sheets["Attendance"][1:]] == ["Achta Brahim"]
    assert sheets["Support given to CSOs"][1][7:10] == [1, 0, 1]


@pytest.mark.parametrize("role", ["me_hq", "admin_user", "agent_td"])
def test_headquarters_and_site_staff_get_counts_and_no_names(login, users, library, role):
    sheets = _sheets(login(users[role]).get("/resources/export.xlsx"))
    assert "Attendance" not in sheets
    text = repr(sheets)
    assert "Moussa Ali" not in text and "Achta Brahim" not in text
    topics = {row[3] for row in sheets["Support given to CSOs"][1:]}
    assert "Formation TD" in topics


def test_the_diagnostic_tables_are_exported_with_small_counts_left_empty(login, world, users):
    study = make_study(users["coordinator_td"], world["td"], world["area_td"])
    rows = _sheets(login(users["coordinator_td"]).get(f"/diagnostics/{study.pk}/tables.xlsx"))[
        "Diagnostic"
    ]
    assert rows[0][0] == "Diagnostic TD"
    titles = [row[0] for row in rows if row[0] and str(row[0]).startswith("Respondents by")]
    assert titles == [
        "Respondents by area and sex",
        "Respondents by area and age band",
        "Respondents by age band and sex",
    ]
    by_sex = rows[rows.index(next(r for r in rows if r[0] == titles[0])) + 1 :]
    assert by_sex[0][1:4] == ["Female", "Male", "Total"]
    # 12 respondents in one area, 8 women and 4 men: the men (4 < 5) hidden, then the women.
    assert by_sex[1][1:4] == [None, None, 12]


def test_the_diagnostic_export_is_refused_out_of_scope(login, world, users):
    study = make_study(users["coordinator_mz"], world["mz"], world["area_mz"])
    assert (
        login(users["coordinator_td"]).get(f"/diagnostics/{study.pk}/tables.xlsx").status_code
        == 404
    )
    assert login(users["cso_td"]).get(f"/diagnostics/{study.pk}/tables.xlsx").status_code == 403

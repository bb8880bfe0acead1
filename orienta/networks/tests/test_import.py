"""A diagnostic's data: imported all-or-nothing, with errors that name the line and the column."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.lib.tabular import Sheet
from orienta.networks.models import Response, StudyStatus
from orienta.networks.services import ImportRefused, NetworksRefused, study_import
from orienta.networks.tests.factories import TODAY, csv_data, make_study

DAY = (TODAY - datetime.timedelta(days=20)).isoformat()


@pytest.fixture
def study(world, users):
    return make_study(users["coordinator_td"], world["td"], world["area_td"], data=False)


def _lines(*rows, header="area,sex,age,date"):
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_good_file_is_imported_line_by_line(study, users, world):
    lines = study_import(
        study=study, raw=csv_data(["TD-ND", "TD-ND-5"]), name="d.csv", by=users["coordinator_td"]
    )
    assert lines == 12
    study.refresh_from_db()
    assert study.status == StudyStatus.COLLECTED
    first = study.responses.get(line=2)
    assert (first.area, first.sex, first.age) == (world["area_td"], "male", 18)
    assert first.answers == {"household_size": "1"}


def test_a_bad_date_on_line_7_names_line_7_and_its_column_and_nothing_is_written(study, users):
    rows = [f"TD-ND,female,30,{DAY}"] * 5 + ["TD-ND,male,41,31/02/2026", f"TD-ND,female,25,{DAY}"]
    with pytest.raises(ImportRefused) as refused:
        study_import(study=study, raw=_lines(*rows), name="d.csv", by=users["coordinator_td"])
    assert refused.value.errors == [
        "Line 7, column D (date): “31/02/2026” is not a date: give 2026-03-31."
    ]
    assert not Response.objects.exists()
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT


def test_every_error_is_listed_and_the_data_imported_before_stays(study, users):
    by = users["coordinator_td"]
    study_import(study=study, raw=csv_data(["TD-ND"]), name="d.csv", by=by)
    rows = [
        f"Nowhere,female,30,{DAY}",
        f"TD-ND,x,30,{DAY}",
        f"TD-ND,female,thirty,{DAY}",
        "TD-ND,female,30,2020-01-01",
    ]
    with pytest.raises(ImportRefused) as refused:
        study_import(study=study, raw=_lines(*rows), name="d.csv", by=by)
    assert refused.value.errors == [
        "Line 2, column A (area): “Nowhere” is not an area of the study.",
        "Line 3, column B (sex): “x” is not a sex: give female or male.",
        "Line 4, column C (age): “thirty” is not an age in whole years (0 to 120).",
        "Line 5, column D (date): “2020-01-01” is outside the study's period.",
    ]
    assert study.responses.count() == 12


def test_a_missing_column_is_named(study, users):
    with pytest.raises(ImportRefused) as refused:
        study_import(
            study=study,
            raw=_lines("TD-ND,female", header="area,sex"),
            name="d.csv",
            by=users["coordinator_td"],
        )
    assert refused.value.errors[0].startswith("Line 1: the column “age” is missing")


def test_an_xlsform_export_in_xlsx_is_read(study, users, world):
    sheet = Sheet("data")
    sheet.append(["start", "respondent/zone", "respondent/sexe", "respondent/age", "_uuid", "q1"])
    sheet.append([f"{DAY}T09:12:00.000+01:00", "N'Djamena", "Femme", 34.0, "abc", "commerce"])
    sheet.append([datetime.date(2026, 2, 20), "TD-ND-5", "1", 61, "def", "=1+1"])
    study_import(study=study, raw=sheet.to_bytes(), name="kobo.xlsx", by=users["coordinator_td"])
    found = list(study.responses.values_list("area__code", "sex", "age", "answers"))
    assert found == [
        ("TD-ND", "female", 34, {"q1": "commerce"}),
        ("TD-ND-5", "male", 61, {"q1": "'=1+1"}),
    ]


def test_an_area_of_another_country_or_outside_the_studied_area_is_refused(study, users, world):
    with pytest.raises(ImportRefused) as refused:
        study_import(
            study=study,
            raw=_lines(f"MZ-MPM,female,30,{DAY}", f"TD-LO,male,30,{DAY}"),
            name="d.csv",
            by=users["coordinator_td"],
        )
    assert [e.split(":")[0] for e in refused.value.errors] == [
        "Line 2, column A (area)",
        "Line 3, column A (area)",
    ]


def test_a_formula_in_an_imported_cell_is_kept_as_text_and_never_read_as_an_area(study, users):
    rows = [f'=HYPERLINK("http://x.example","TD-ND"),female,30,{DAY}']
    with pytest.raises(ImportRefused) as refused:
        study_import(study=study, raw=_lines(*rows), name="d.csv", by=users["coordinator_td"])
    assert refused.value.errors[0].startswith("Line 2, column A (area): “=HYPERLINK(")


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(study, users):
    with pytest.raises(ImportRefused) as refused:
        study_import(
            study=study, raw=b"PK\x03\x04garbage", name="d.xlsx", by=users["coordinator_td"]
        )
    assert refused.value.errors == ["This file is not a workbook that can be read (XLSX)."]
    with pytest.raises(ImportRefused):
        study_import(study=study, raw=b"\x00\x01\x02", name="d.bin", by=users["coordinator_td"])


def test_a_published_diagnostic_keeps_its_data(world, users):
    study = make_study(users["coordinator_td"], world["td"], world["area_td"])
    with pytest.raises(NetworksRefused):
        study_import(study=study, raw=csv_data(["TD-ND"]), name="d.csv", by=users["coordinator_td"])


def test_the_page_lists_the_errors_with_their_lines_and_saves_nothing(client, study, users):
    client.force_login(users["coordinator_td"])
    rows = [f"TD-ND,female,30,{DAY}"] * 5 + ["TD-ND,male,41,2026-13-45"]
    upload = SimpleUploadedFile("d.csv", _lines(*rows), content_type="text/csv")
    response = client.post(f"/diagnostics/{study.pk}/import/", {"file": upload})
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Line 7, column D (date): “2026-13-45” is not a date" in response.text
    assert not Response.objects.exists()
    good = SimpleUploadedFile("d.csv", csv_data(["TD-ND"]), content_type="text/csv")
    response = client.post(f"/diagnostics/{study.pk}/import/", {"file": good}, follow=True)
    assert "12 lines imported." in response.text
    assert study.responses.count() == 12


def _workbook(*rows):
    sheet = Sheet("data")
    sheet.append(["area", "sex", "age", "date"])
    for row in rows:
        sheet.append(row)
    return sheet.to_bytes()


def test_an_xlsx_file_of_too_many_lines_is_refused_whole(study, users, monkeypatch):
    from orienta.networks import diagnostics

    monkeypatch.setattr(diagnostics, "MAX_LINES", 3)
    raw = _workbook(*[["TD-ND", "female", 30, DAY]] * 4)
    with pytest.raises(ImportRefused) as refused:
        study_import(study=study, raw=raw, name="d.xlsx", by=users["coordinator_td"])
    assert refused.value.errors == ["The file holds more than 3 lines."]
    assert not study.responses.exists()


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(study, users, monkeypatch):
    from orienta.networks import diagnostics

    monkeypatch.setattr(diagnostics, "MAX_UNZIPPED", 1000)
    raw = _workbook(["TD-ND", "female", 30, DAY])
    with pytest.raises(ImportRefused) as refused:
        study_import(study=study, raw=raw, name="d.xlsx", by=users["coordinator_td"])
    assert refused.value.errors == ["The file is too large once unpacked."]


def test_only_the_first_sheet_of_a_workbook_is_read(study, users):
    sheet = Sheet("data")
    sheet.append(["area", "sex", "age", "date"])
    sheet.append(["TD-ND", "female", 30, DAY])
    sheet.add("notes")
    sheet.append(["anything", "at", "all"])
    study_import(study=study, raw=sheet.to_bytes(), name="d.xlsx", by=users["coordinator_td"])
    assert study.responses.count() == 1

"""The diagnostics through the API: the studies in scope, their tables exactly as the page and
the XLSX give them (small counts hidden), a new study, and the import of its data, all or
nothing with the errors by line."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from orienta.networks.models import Study
from orienta.networks.tests.factories import csv_data, make_study, make_university
from orienta.testing.access import api_headers

API = "/api/v1/diagnostics"


def test_studies_are_read_in_scope_with_their_partners_and_responses(client, users, world):
    study = make_study(users["coordinator_td"], world["td"], world["area_td"])
    make_study(users["coordinator_mz"], world["mz"], world["area_mz"])
    listed = client.get(API, **api_headers(users, "agent_td")).json()["items"]
    assert [s["id"] for s in listed] == [str(study.pk)]
    read = client.get(f"{API}/{study.pk}", **api_headers(users, "agent_td")).json()
    assert read == listed[0]
    assert (read["status"], read["responses"], read["area"]) == (
        "published",
        12,
        world["area_td"].code,
    )
    assert read["questionnaire"] == "Revenus et emploi"
    assert [p["name"] for p in read["partners"]] == ["Université de test TD"]
    assert client.get(f"{API}/{study.pk}", **api_headers(users, "cso_td")).status_code == 403
    assert (
        client.get(f"{API}/{study.pk}", **api_headers(users, "coordinator_mz")).status_code == 404
    )
    drafts = client.get(f"{API}?status=draft", **api_headers(users, "agent_td")).json()
    assert drafts["count"] == 0


def test_the_tables_are_those_of_the_xlsx_with_small_counts_hidden(client, login, users, world):
    study = make_study(users["coordinator_td"], world["td"], world["area_td"])
    tables = client.get(f"{API}/{study.pk}/tables", **api_headers(users, "agent_td")).json()
    assert [t["title"] for t in tables] == [
        "Respondents by area and sex",
        "Respondents by area and age band",
        "Respondents by age band and sex",
    ]
    by_sex = tables[0]
    assert [c["code"] for c in by_sex["columns"]] == ["female", "male"]
    # 12 respondents in one area, 8 women and 4 men: the men (4 < 5) hidden, then the women.
    assert by_sex["cells"] == [[None, None]]
    assert (by_sex["row_totals"], by_sex["total"]) == ([12], 12)
    xlsx = login(users["agent_td"]).get(f"/diagnostics/{study.pk}/tables.xlsx")
    rows = [
        list(r) for r in load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    ]
    for table in tables:
        start = rows.index(next(r for r in rows if r[0] == table["title"])) + 2
        for n, row in enumerate(table["rows"]):
            line = rows[start + n]
            assert line[0] == row["label"]
            width = len(table["columns"])
            assert line[1 : width + 2] == [*table["cells"][n], table["row_totals"][n]]
        footer = rows[start + len(table["rows"])]
        assert footer[1 : len(table["columns"]) + 2] == [*table["column_totals"], table["total"]]


def _study(world, **changes):
    university = make_university(world["td"])
    body = {
        "country": "TD",
        "title": "Diagnostic des ménages",
        "partners": [str(university.pk)],
        "area": world["area_td"].code,
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-28",
        "questionnaire": "Kobo: revenus",
    }
    return body | changes


def test_a_study_is_prepared_then_its_data_imported_all_or_nothing(client, users, world):
    headers = api_headers(users, "coordinator_td")
    created = client.post(API, _study(world), content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["responses"], body["area"]) == ("draft", 0, "TD-ND")
    path = f"{API}/{body['id']}/import"
    bad = csv_data([world["area_td"].code]).replace(b"female,", b"unknown,", 1)
    refused = client.post(path, {"file": SimpleUploadedFile("data.csv", bad)}, **headers)
    assert refused.status_code == 422
    problems = refused.json()["detail"]
    assert {p["loc"][1] for p in problems} == {"file"}
    assert problems[0]["msg"] == "Nothing was imported: correct the file and import it again."
    assert any("Line 3" in p["msg"] for p in problems[1:]), problems
    assert Study.objects.get().responses.count() == 0
    good = SimpleUploadedFile("data.csv", csv_data([world["area_td"].code]))
    done = client.post(path, {"file": good}, **api_headers(users, "coordinator_td"))
    assert done.status_code == 200, done.json()
    assert (done.json()["lines"], done.json()["study"]["status"]) == (12, "collected")
    agent = client.post(path, {"file": good}, **api_headers(users, "agent_td"))
    assert agent.status_code == 403
    other = client.post(path, {"file": good}, **api_headers(users, "coordinator_mz"))
    assert other.status_code == 404


def test_a_study_with_partners_or_an_area_of_another_country_is_refused(client, users, world):
    headers = api_headers(users, "coordinator_td")
    foreign = make_university(world["mz"])
    cases = {
        "partners": _study(world, partners=[str(foreign.pk)]),
        "area": _study(world, area=world["area_mz"].code),
        "ends_on": _study(world, ends_on="2025-12-31"),
        "country": _study(world, country="MZ"),
    }
    for field, body in cases.items():
        response = client.post(API, body, content_type="application/json", **headers)
        assert response.status_code == 422, field
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert (
        client.post(
            API, _study(world), content_type="application/json", **api_headers(users, "agent_td")
        ).status_code
        == 403
    )
    assert not Study.objects.exists()

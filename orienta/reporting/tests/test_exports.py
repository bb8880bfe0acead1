"""The results' exports and DHIS2 data value sets, on records counted by hand.

At TD-NDJ1, in March 2026 (the test clock's month): six women and five men came (one woman
came three times: counted once), so PERSONS_WELCOMED for 2026-Q1 is 11 — 6 women, 5 men,
nothing suppressed. At TD-MOU1, two women came: 2, suppressed in every export.
"""

import csv
import io
from datetime import date

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from orienta.audit.models import AccessLogEntry
from orienta.conftest import force_login_verified
from orienta.core.models import Theme
from orienta.frontdesk.services import visit_record
from orienta.people.services import person_register
from orienta.reporting import exports
from orienta.reporting.models import Dhis2DataElement, Dhis2OrgUnit

SEXES_TD = ["female"] * 6 + ["male"] * 5


def _came(site, agent, sex, n, times=1):
    person = person_register(
        site=site,
        by=agent,
        data={
            "given_name": f"Personne{n}",
            "family_name": f"Essai{n}",
            "sex": sex,
            "migration_status": "national",
            "documents": [],
            "birth_date": date(1990, 1, 1 + n % 27),
        },
    )
    for _ in range(times):
        visit_record(
            site=site,
            by=agent,
            person=person,
            data={
                "themes": Theme.objects.all()[:1],
                "channel": "walk_in",
                "outcome": "informed",
                "occurred_at": timezone.now(),
            },
        )
    return person


@pytest.fixture
def came(world, users):
    td, td2 = world["sites"]["td"], world["sites"]["td2"]
    for n, sex in enumerate(SEXES_TD):
        _came(td, users["agent_td"], sex, n, times=3 if n == 0 else 1)
    for n in range(2):
        _came(td2, users["agent_td2"], "female", 100 + n)


def _rules():
    rules = set()
    for lang in ("fr", "pt", "en"):
        with translation.override(lang):
            rules.add(exports.rule())
    return rules


def _rows_of(sheet_rows, code):
    return [r for r in sheet_rows if r and r[0] == code]


def test_the_xlsx_holds_every_indicator_with_its_splits_and_the_rule(client, users, came):
    force_login_verified(client, users["me_hq"])
    response = client.get("/results/export.xlsx?period=2026-Q1&site=TD-NDJ1")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('results-2026-Q1-TD-NDJ1.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    rows = [tuple(c.value for c in row) for row in book.active.iter_rows()]
    assert any(str(r[0]) in _rules() for r in rows[:5]), rows[:5]
    welcomed = _rows_of(rows, "PERSONS_WELCOMED")
    assert welcomed[0][3:7] == (None, None, 11, None)  # the total: no split, 11, not suppressed
    by_sex = {r[4]: r[5] for r in welcomed if r[3] == "sex"}
    assert by_sex["female"] == 6 and by_sex["male"] == 5
    entry = AccessLogEntry.objects.filter(action="export", object_type="results").get()
    assert entry.username == "me_hq" and "TD-NDJ1" in entry.query


def test_the_csv_suppresses_small_counts_even_for_a_coordinator(client, users, came):
    force_login_verified(client, users["coordinator_td"])
    response = client.get("/results/export.csv?period=2026-Q1&site=TD-MOU1")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    total = _rows_of(rows, "PERSONS_WELCOMED")[0]
    assert total[5] == "" and total[6] != ""  # 2 persons: suppressed, marked
    assert "2" not in [r[5] for r in _rows_of(rows, "PERSONS_WELCOMED")]


def test_the_pdf_report_is_in_the_language_asked(client, users, came):
    force_login_verified(client, users["me_hq"])
    for lang, word in (("fr", "Période"), ("pt", "Período"), ("en", "Period")):
        response = client.get(f"/results/report.pdf?period=2026-Q1&lang={lang}&country=TD")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert word in text and "PERSONS_WELCOMED" in text
    assert client.get("/results/report.pdf?period=2026-Q1&lang=de").status_code == 400
    bad = client.get("/results/report.pdf?period=2026-Q9")
    assert bad.status_code == 400 and "2026-Q9" in bad.content.decode()


@pytest.fixture
def mapped(world):
    for code, dims, element in (
        ("PERSONS_WELCOMED", "", "DEwelcomed1"),
        ("PERSONS_WELCOMED", "sex=female", "DEwelcomed1"),
        ("PERSONS_WELCOMED", "sex=male", "DEwelcomed1"),
    ):
        Dhis2DataElement.objects.create(
            indicator_code=code,
            dimensions=dims,
            data_element=element,
            category_option_combo={"": "COCtotal001", "sex=female": "COCfemale01"}.get(
                dims, "COCmale0001"
            ),
        )
    Dhis2OrgUnit.objects.create(
        country=world["td"], site=world["sites"]["td"], org_unit="OUndjamena1"
    )
    Dhis2OrgUnit.objects.create(
        country=world["td"], site=world["sites"]["td2"], org_unit="OUmoundou01"
    )


def test_dhis2_data_value_set_of_a_country(client, users, came, mapped):
    force_login_verified(client, users["coordinator_td"])
    from orienta.core.services import api_token_issue

    token, _row = api_token_issue(user=users["coordinator_td"])
    response = client.get(
        "/api/v1/results/dhis2/dataValueSets?period=202603&country=TD",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    values = {
        (v["orgUnit"], v["categoryOptionCombo"]): v["value"] for v in response.json()["dataValues"]
    }
    assert values == {
        ("OUndjamena1", "COCtotal001"): "11",
        ("OUndjamena1", "COCfemale01"): "6",
        ("OUndjamena1", "COCmale0001"): "5",
    }
    assert all(v["period"] == "202603" for v in response.json()["dataValues"])
    assert "country:TD" in response["X-Orienta-Unmapped"]
    assert "indicator:VISITS" in response["X-Orienta-Unmapped"]
    assert "PERSONS_WELCOMED[]@TD-MOU1" in response["X-Orienta-Suppressed"]
    bad = client.get(
        "/api/v1/results/dhis2/dataValueSets?period=2026-13&country=TD",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 400 and "2026-13" in bad.json()["detail"]


def test_the_logframe_hides_a_small_count_from_me_but_not_from_the_coordinator(
    client, users, came, logframe
):
    """TD-MOU1 welcomed 2 persons in March: its coordinator reads 2, M&E reads it suppressed."""
    url = "/results/logframe/?year=2026&site=TD-MOU1"
    force_login_verified(client, users["coordinator_td"])
    rows = client.get(url).context["rows"]
    welcomed = rows[0].results[0].indicators[0]
    assert (welcomed.value, welcomed.suppressed) == (2, False)
    force_login_verified(client, users["me_hq"])
    welcomed = client.get(url).context["rows"][0].results[0].indicators[0]
    assert welcomed.suppressed and welcomed.indicator.indicator_code == "PERSONS_WELCOMED"
    assert "suppressed" in client.get(url).content.decode()


def test_the_tables_take_the_age_bands_asked_and_say_which(client, users, came):
    force_login_verified(client, users["coordinator_td"])
    url = "/results/export.csv?period=2026-Q1&site=TD-NDJ1&age_bands=0-17,18-39,40%2B"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert any("0-17,18-39,40+" in r[0] for r in rows[:6] if r)
    by_band = {r[4]: r[5] for r in _rows_of(rows, "PERSONS_WELCOMED") if r[3] == "age_band"}
    assert by_band == {"18-39": "11"}  # all born in 1990: 36 on 31 March 2026
    default = client.get("/results/export.csv?period=2026-Q1&site=TD-NDJ1")
    rows = list(csv.reader(io.StringIO(default.content.decode("utf-8-sig"))))
    assert {r[4] for r in _rows_of(rows, "PERSONS_WELCOMED") if r[3] == "age_band"} == {"36-59"}
    assert client.get(url.replace("40%2B", "50%2B")).status_code == 400  # bands with a gap
    pdf = client.get("/results/report.pdf?period=2026-Q1&site=TD-NDJ1&lang=en&age_bands=0-17,18%2B")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "0-17,18+" in text

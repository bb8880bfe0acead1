"""GET /api/v1/results/indicators and /api/v1/results/values."""

import pytest

from orienta.reporting.tests.fixtures import march
from orienta.testing.access import api_headers


@pytest.fixture
def month(world, users, persons):
    return march(world, users, persons)


def get(client, users, role, url):
    return client.get(url, **api_headers(users, role))


def test_the_list_of_indicators(client, users, month):
    body = get(client, users, "me_hq", "/api/v1/results/indicators").json()
    codes = [i["code"] for i in body]
    for code in (
        "PERSONS_WELCOMED",
        "VISITS",
        "REFERRALS_SENT",
        "REFERRALS_SERVED_RATE",
        "DAYS_TO_SERVICE",
        "CASES_OPENED",
        "CASES_CLOSED_NEEDS_MET",
        "FUND_PERSONS_PAID",
        "FUND_AMOUNT_PAID",
        "FUND_AMOUNT_PAID_EUR",
        "WOMEN_SHARE",
        "YOUTH_SHARE",
    ):
        assert code in codes
    visits = next(i for i in body if i["code"] == "VISITS")
    assert visits["unit"] == "events" and "channel" in visits["dimensions"]


def test_values_for_a_coordinator_are_not_suppressed(client, users, month):
    url = "/api/v1/results/values?indicator=PERSONS_WELCOMED&period=2026-03&country=TD&by=sex"
    body = get(client, users, "coordinator_td", url).json()
    assert body["indicator"] == "PERSONS_WELCOMED" and body["period"] == "2026-03"
    assert body["scope"] == {"country": "TD", "site": None}
    assert body["total"] == 6
    assert sorted((c["sex"], c["value"], c["suppressed"]) for c in body["cells"]) == [
        ("female", 4, False),
        ("male", 2, False),
    ]


def test_values_for_me_hide_small_counts(client, users, month):
    url = (
        "/api/v1/results/values?indicator=VISITS&period=2026-03&country=TD"
        "&site=TD-NDJ1&by=sex,age_band"
    )
    body = get(client, users, "me_hq", url).json()
    assert body["total"] == 12
    cells = {(c["sex"], c["age_band"]): c for c in body["cells"]}
    # Zara's 3 visits (female, 60+) are hidden; so is the only other figure of the women's
    # row, 7 (Achta's five, Hawa's one, the anonymous woman's), lest 12 - 1 - 1 - 7 tell 3.
    assert cells[("female", "60+")] == {
        "sex": "female",
        "age_band": "60+",
        "value": None,
        "suppressed": True,
    }
    assert cells[("female", "25-35")]["suppressed"] and cells[("female", "25-35")]["value"] is None
    assert all(c["suppressed"] for c in body["cells"])
    unsuppressed = get(client, users, "coordinator_td", url).json()
    assert {(c["sex"], c["age_band"]): c["value"] for c in unsuppressed["cells"]} == {
        ("female", "25-35"): 7,
        ("female", "60+"): 3,
        ("male", "15-24"): 1,
        ("male", "25-59"): 1,
    }


def test_bad_parameters_are_400_out_of_scope_404_and_roles_403(client, users, month):
    base = "/api/v1/results/values?indicator=VISITS"
    for query in ("&period=2026-13", "&period=2026&by=colour", "&period=2026&country=XX"):
        response = get(client, users, "me_hq", base + query)
        assert response.status_code == 400 and response.json()["detail"]
    bad = get(client, users, "me_hq", "/api/v1/results/values?indicator=NOPE&period=2026")
    assert bad.status_code == 400 and "NOPE" in bad.json()["detail"]
    out = get(client, users, "coordinator_td", base + "&period=2026&country=MZ")
    assert out.status_code == 404
    for role in ("agent_td", "admin_user", "provider_user"):
        assert get(client, users, role, base + "&period=2026").status_code == 403

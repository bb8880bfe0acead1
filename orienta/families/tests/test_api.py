"""The families API: the instruments' shape, assessing by household code, enrolling."""

import pytest

from orienta.core.services import api_token_issue
from orienta.families.models import Assessment
from orienta.families.tests.factories import WORST


def _headers(user):
    token, _row = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_instruments_have_the_documented_shape(client, users, instrument_td):
    found = client.get("/api/v1/families/instruments", **_headers(users["agent_td"])).json()
    assert [(i["id"], i["code"], i["version"]) for i in found] == [
        (str(instrument_td.pk), "vuln", 1)
    ]
    dim = found[0]["dimensions"][0]
    assert dim["code"] == "food"
    assert dim["indicators"][0]["code"] == "meals"
    assert dim["indicators"][0]["options"][0] == {"code": "three", "name": "Three", "score": 0}


def test_posting_answers_returns_the_result(client, users, household_td, instrument_td):
    body = {"household": household_td.code, "instrument": str(instrument_td.pk), "answers": WORST}
    response = client.post(
        "/api/v1/families/assessments",
        body,
        content_type="application/json",
        **_headers(users["agent_td"]),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["score"], data["category"]) == (100.0, "very_high")
    assert data["dimensions"] == [
        {"code": "food", "score": 100.0, "level": "red"},
        {"code": "housing", "score": 100.0, "level": "red"},
    ]
    listed = client.get(
        f"/api/v1/families/assessments?household={household_td.code}", **_headers(users["agent_td"])
    ).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]


def test_an_incomplete_or_foreign_answer_is_a_422_or_409_and_saves_nothing(
    client, users, household_td, household_mz, instrument_td
):
    headers = _headers(users["agent_td"])
    missing = {
        "household": household_td.code,
        "instrument": str(instrument_td.pk),
        "answers": {"meals": "one"},
    }
    assert (
        client.post(
            "/api/v1/families/assessments", missing, content_type="application/json", **headers
        ).status_code
        == 409
    )
    foreign = {
        "household": household_mz.code,
        "instrument": str(instrument_td.pk),
        "answers": WORST,
    }
    assert (
        client.post(
            "/api/v1/families/assessments", foreign, content_type="application/json", **headers
        ).status_code
        == 422
    )
    assert not Assessment.objects.exists()


def test_enrolling_through_the_api(client, users, household_td, instrument_td):
    headers = _headers(users["agent_td"])
    body = {"household": household_td.code, "criteria": "Catégorie très élevée", "consent": True}
    assert (
        client.post(
            "/api/v1/families/enrolments", body, content_type="application/json", **headers
        ).status_code
        == 409
    )
    client.post(
        "/api/v1/families/assessments",
        {"household": household_td.code, "instrument": str(instrument_td.pk), "answers": WORST},
        content_type="application/json",
        **headers,
    )
    response = client.post(
        "/api/v1/families/enrolments", body, content_type="application/json", **headers
    )
    assert response.status_code == 201
    assert response.json()["status"] == "active"
    refused = body | {"consent": False}
    assert (
        client.post(
            "/api/v1/families/enrolments", refused, content_type="application/json", **headers
        ).status_code
        == 409
    )


@pytest.mark.parametrize("role", ["me_hq", "coordinator_td", "provider_user"])
def test_roles_without_families_work_read_no_assessment(client, users, role, household_td):
    response = client.get("/api/v1/families/assessments", **_headers(users[role]))
    assert response.status_code == 403

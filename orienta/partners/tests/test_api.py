"""The partners API: reads scoped like the pages, writes through the same services."""

from orienta.partners.models import Assessment, Grant
from orienta.partners.tests.factories import make_records
from orienta.testing.access import api_headers

API = "/api/v1/partners"


def test_an_assessment_posted_comes_back_with_its_results(client, users, cso_td, tool):
    scores = {s.code: {"score": 2} for _a, s in tool.parsed().statements()}
    scores["gov_board"] = {"score": 4, "justification": "Réunions tenues", "individual": [3, 4]}
    response = client.post(
        f"{API}/assessments",
        {"organisation": str(cso_td.pk), "scores": scores, "participants": 6},
        content_type="application/json",
        **api_headers(users, "cso_td"),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    governance = next(a for a in body["areas"] if a["code"] == "governance")
    assert governance == {"code": "governance", "average": "2.67", "stage": "expanding"}
    assert body["tool_version"] == 1 and body["scores"]["gov_board"]["individual"] == [3, 4]
    read = client.get(f"{API}/assessments/{body['id']}", **api_headers(users, "coordinator_td"))
    assert read.status_code == 200 and read.json()["id"] == body["id"]


def test_a_bad_score_is_a_field_error_and_saves_nothing(client, users, cso_td, tool):
    scores = {s.code: {"score": 2} for _a, s in tool.parsed().statements()}
    scores["gov_board"] = {"score": 5}
    response = client.post(
        f"{API}/assessments",
        {"organisation": str(cso_td.pk), "scores": scores},
        content_type="application/json",
        **api_headers(users, "cso_td"),
    )
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_a_cso_posting_for_another_organisation_saves_nothing(client, users, cso_mz, tool):
    body = {
        "organisation": str(cso_mz.pk),
        "reference": "SG-X",
        "purpose": "x",
        "amount": "1000",
        "currency": "MZN",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
    }
    response = client.post(
        f"{API}/grants", body, content_type="application/json", **api_headers(users, "cso_td")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "organisation"
    assert not Grant.objects.exists()


def test_a_cso_reads_its_own_grants_only(client, users, cso_td, cso_mz):
    own = make_records(cso_td, users["coordinator_td"])
    other = make_records(cso_mz, users["coordinator_mz"])
    headers = api_headers(users, "cso_td")
    listed = client.get(f"{API}/grants", **headers).json()["items"]
    assert [g["id"] for g in listed] == [str(own["grant"].pk)]
    assert listed[0]["tranches"][0]["amount"] == "600000.00"
    assert client.get(f"{API}/grants/{other['grant'].pk}", **headers).status_code == 404
    assert client.get(f"{API}/organisations/{cso_mz.pk}", **headers).status_code == 404
    orgs = client.get(f"{API}/organisations", **headers).json()["items"]
    assert [o["id"] for o in orgs] == [str(cso_td.pk)]
    assert sorted(orgs[0]["sites"]) == ["TD-MOU1", "TD-NDJ1"]


def test_a_coordinator_registers_a_cso_of_their_country(client, users, world):
    response = client.post(
        f"{API}/organisations",
        {"name": "Réseau des femmes de Moundou", "country": "MZ"},
        content_type="application/json",
        **api_headers(users, "coordinator_td"),
    )
    assert response.status_code == 201
    assert response.json()["country"] == "TD"  # the coordinator's own, whatever is asked


def test_applications_and_plan_actions_are_read_in_scope_only(client, users, cso_td, cso_mz):
    own = make_records(cso_td, users["coordinator_td"])
    other = make_records(cso_mz, users["coordinator_mz"])
    headers = api_headers(users, "cso_td")
    listed = client.get(f"{API}/applications", **headers).json()["items"]
    assert [a["id"] for a in listed] == [str(own["application"].pk)]
    assert listed[0]["donor"] == "Union européenne" and listed[0]["stage"] == "idea"
    actions = client.get(f"{API}/actions?organisation={cso_td.pk}", **headers).json()["items"]
    assert [(a["area"], a["support"], a["status"]) for a in actions] == [
        ("finance", "training", "planned")
    ]
    assert client.get(f"{API}/actions/{other['action'].pk}", **headers).status_code == 404
    assert client.get(f"{API}/applications/{other['application'].pk}", **headers).status_code == 404
    agent = api_headers(users, "agent_td")
    assert client.get(f"{API}/applications", **agent).status_code == 403

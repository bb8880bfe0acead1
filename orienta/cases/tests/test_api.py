"""The cases API: scoped like the pages, transitions refused with a message, versions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.cases.models import Case
from orienta.core.models import Theme
from orienta.core.services import api_token_issue


@pytest.fixture
def api(client, users):
    def make(name):
        token, _row = api_token_issue(user=users[name])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        class Caller:
            def get(self, path):
                return client.get(path, **headers)

            def post(self, path, body):
                return client.post(path, body, content_type="application/json", **headers)

            def patch(self, path, body):
                return client.patch(path, body, content_type="application/json", **headers)

        return Caller()

    return make


def _needs():
    return list(Theme.objects.values_list("pk", flat=True)[:2])


def test_open_read_and_list_a_case(api, persons):
    agent = api("agent_td")
    person = persons["person_td"]
    body = {"person": str(person.pk), "needs": _needs(), "risk": "high", "assessment": "A"}
    created = agent.post("/api/v1/cases", body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["code"] == "TD-NDJ1-C-000001" and data["site"] == "TD-NDJ1"
    assert data["responsible"] == "agent_td" and data["status"] == "open"
    read = agent.get(f"/api/v1/cases/{data['id']}")
    assert read.status_code == 200 and read.json()["timeline"][0]["kind"] == "opened"
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.channel, entry.object_type) == ("read", "api", "case")
    listed = agent.get(f"/api/v1/cases?person={person.pk}").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]
    assert api("agent_mz").get(f"/api/v1/cases/{data['id']}").status_code == 404
    assert api("me_hq").get("/api/v1/cases").json()["count"] == 0


def test_bad_input_is_a_422_and_writes_nothing(api, persons):
    agent = api("agent_td")
    response = agent.post("/api/v1/cases", {"person": str(persons["person_td"].pk), "needs": []})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "needs"]
    other = agent.post("/api/v1/cases", {"person": str(persons["person_mz"].pk), "needs": _needs()})
    assert other.status_code == 422
    assert not Case.objects.exists()
    assert (
        api("coordinator_td")
        .post("/api/v1/cases", {"person": str(persons["person_td"].pk)})
        .status_code
        == 403
    )


def test_patch_with_a_stale_version_is_a_409(api, case_td):
    agent = api("agent_td")
    url = f"/api/v1/cases/{case_td.pk}"
    done = agent.patch(url, {"version": case_td.version, "risk": "high"})
    assert done.status_code == 200 and done.json()["risk"] == "high"
    stale = agent.patch(url, {"version": case_td.version, "risk": "low"})
    assert stale.status_code == 409
    case_td.refresh_from_db()
    assert case_td.risk == "high"


def test_closing_a_closed_case_is_a_409_with_a_message(api, case_td):
    agent = api("agent_td")
    url = f"/api/v1/cases/{case_td.pk}"
    assert agent.post(url + "/close", {"reason": "needs_met"}).json()["status"] == "closed"
    again = agent.post(url + "/close", {"reason": "moved"})
    assert again.status_code == 409 and "closed" in again.json()["detail"]
    assert agent.post(url + "/reopen", {"reason": ""}).json()["detail"][0]["loc"] == [
        "body",
        "reason",
    ]
    assert agent.post(url + "/close", {"reason": "nope"}).status_code == 422
    reopened = agent.post(url + "/reopen", {"reason": "Nouvelle demande de la famille."})
    assert reopened.json()["status"] == "in_progress"


def test_reassign_is_for_the_manager(api, case_td, users):
    url = f"/api/v1/cases/{case_td.pk}/reassign"
    assert api("agent_td").post(url, {"responsible": "manager_td"}).status_code == 403
    unknown = api("manager_td").post(url, {"responsible": "agent_mz"})
    assert unknown.status_code == 422
    moved = api("manager_td").post(url, {"responsible": "manager_td"})
    assert moved.status_code == 200 and moved.json()["responsible"] == "manager_td"


def test_actions_and_follow_ups(api, case_td):
    agent = api("agent_td")
    url = f"/api/v1/cases/{case_td.pk}"
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    created = agent.post(url + "/actions", {"what": "Certificat de résidence", "due_on": due})
    assert created.status_code == 201
    action = created.json()
    assert action["assignee"] is None and action["status"] == "planned"
    assert agent.get(url + "/actions").json()[0]["id"] == action["id"]
    patch = f"/api/v1/cases/actions/{action['id']}"
    done = agent.patch(patch, {"version": action["version"], "status": "done"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert (
        agent.patch(patch, {"version": action["version"], "status": "cancelled"}).status_code == 409
    )
    latest = done.json()["version"]
    assert agent.patch(patch, {"version": latest, "status": "cancelled"}).status_code == 409
    assert agent.patch(patch, {"version": latest, "status": "lost"}).status_code == 422
    contact = agent.post(
        url + "/follow-ups", {"kind": "phone", "notes": "Appel", "next_due_on": due}
    )
    assert contact.status_code == 201 and contact.json()["status"] == "done"
    planned = agent.post(url + "/follow-ups", {"kind": "office", "planned": True, "due_on": due})
    assert planned.status_code == 201 and planned.json()["status"] == "planned"
    assert len(agent.get(url + "/follow-ups").json()) == 3
    assert agent.post(url + "/follow-ups", {"kind": "fax"}).status_code == 422
    assert api("agent_mz").get(url + "/follow-ups").status_code == 404


def test_the_list_reads_no_more_queries_for_more_cases(api, persons, users):
    """A list joins the site, the person and the responsible agent, and reads the needs in one
    more query: none for each case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = api("agent_td")
    body = {"person": str(persons["person_td"].pk), "needs": _needs(), "risk": "high"}

    def listed():
        with CaptureQueriesContext(connection) as ctx:
            page = agent.get("/api/v1/cases").json()
        return len(ctx), page

    assert agent.post("/api/v1/cases", body).status_code == 201
    listed()  # the token's first use
    few, _page = listed()
    for _ in range(4):
        assert agent.post("/api/v1/cases", body).status_code == 201
    many, page = listed()
    assert many == few and page["count"] == 5
    person = persons["person_td"]
    for item in page["items"]:
        assert (item["site"], item["person_code"], item["responsible"]) == (
            "TD-NDJ1",
            person.code,
            "agent_td",
        )
        assert sorted(item["needs"]) == sorted(_needs()) and item["risk"] == "high"
        assert item["household"] is None and item["visit"] is None and item["version"] == 1

import pytest

from orienta.audit.models import AccessLogEntry
from orienta.core.services import api_token_issue
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral, Status
from orienta.referrals.tests.factories import make_referral


def _auth(user):
    token, _row = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def consenting(persons, users):
    person = persons["person_td"]
    consent_give(person=person, purpose="processing", by=users["agent_td"])
    consent_give(person=person, purpose="sharing", by=users["agent_td"])
    return person


def test_post_creates_a_referral(client, consenting, svcs, users):
    body = {"person": str(consenting.pk), "service": str(svcs["td"].pk), "reason": "Antenatal"}
    response = client.post(
        "/api/v1/referrals", body, content_type="application/json", **_auth(users["agent_td"])
    )
    assert response.status_code == 201, response.content
    data = response.json()
    referral = Referral.objects.get()
    assert data["code"] == referral.code and data["status"] == "sent"
    assert data["person"] == str(consenting.pk) and data["site"] == "TD-NDJ1"
    assert [s["field"] for s in data["shared"]] == ["given_name"]
    assert data["events"][0]["to_status"] == "sent"


def test_post_without_consent_is_a_422_and_writes_nothing(client, persons, svcs, users):
    body = {"person": str(persons["person_td"].pk), "service": str(svcs["td"].pk), "reason": "x"}
    response = client.post(
        "/api/v1/referrals", body, content_type="application/json", **_auth(users["agent_td"])
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consent_override_reason"]
    assert not Referral.objects.exists()


def test_transitions_and_illegal_ones(client, consenting, svcs, users):
    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    provider = _auth(users["provider_user"])
    url = f"/api/v1/referrals/{referral.pk}"
    declined = client.post(f"{url}/decline", {}, content_type="application/json", **provider)
    assert declined.status_code == 422  # a reason is needed
    ok = client.post(f"{url}/accept", {}, content_type="application/json", **provider)
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert ok.json()["person"] is None and ok.json()["reason"] is None
    served = client.post(
        f"{url}/serve", {"note": "Seen"}, content_type="application/json", **provider
    )
    assert served.json()["status"] == "served"
    again = client.post(
        f"{url}/decline", {"note": "x"}, content_type="application/json", **provider
    )
    assert again.status_code == 409 and again.json()["detail"]
    cancel = client.post(f"{url}/cancel", {}, content_type="application/json", **provider)
    assert cancel.status_code == 403
    assert Referral.objects.get().status == Status.SERVED


def test_not_served_and_cancel_by_the_agent(client, consenting, svcs, users):
    agent = _auth(users["agent_td"])
    first = make_referral(consenting, svcs["td"], users["agent_td"])
    second = make_referral(consenting, svcs["td"], users["agent_td"])
    r1 = client.post(
        f"/api/v1/referrals/{first.pk}/not-served",
        {"note": "No-show"},
        content_type="application/json",
        **agent,
    )
    r2 = client.post(
        f"/api/v1/referrals/{second.pk}/cancel", {}, content_type="application/json", **agent
    )
    assert (r1.json()["status"], r2.json()["status"]) == ("not_served", "cancelled")


def test_read_and_list_are_scoped_and_logged(client, consenting, persons, svcs, users):
    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"])
    listed = client.get("/api/v1/referrals", **_auth(users["agent_td"])).json()
    assert [r["code"] for r in listed["items"]] == [referral.code] and listed["count"] == 1
    url = f"/api/v1/referrals/{referral.pk}"
    assert client.get(url, **_auth(users["agent_mz"])).status_code == 404
    assert AccessLogEntry.objects.filter(action="refused", object_id=referral.pk).exists()
    assert client.get(url, **_auth(users["agent_td"])).status_code == 200
    assert AccessLogEntry.objects.filter(
        action="read", channel="api", object_id=referral.pk, person=consenting.pk
    ).exists()


def test_the_slip_through_the_api(client, consenting, svcs, users):
    referral = make_referral(consenting, svcs["td"], users["agent_td"])
    response = client.get(
        f"/api/v1/referrals/{referral.pk}/slip.pdf?lang=pt", **_auth(users["agent_td"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action="print", channel="api").exists()

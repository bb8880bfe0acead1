from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from orienta.conftest import PASSWORD
from orienta.core.models import ApiToken


@pytest.fixture
def token_request(db):
    def post(username, password, **headers):
        return Client(enforce_csrf_checks=True).post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
            headers={"Accept-Language": "en", **headers},
        )

    return post


def test_good_credentials_give_a_token_that_opens_the_api(token_request, users, api):
    response = token_request("agent_td", PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert ApiToken.objects.get(user=users["agent_td"]).expires_at > timezone.now()
    client = api()
    client.headers["Authorization"] = f"Bearer {body['token']}"
    assert client.get("/sites").status_code == 200


def test_a_wrong_password_gets_401_and_no_token(token_request, users):
    response = token_request("agent_td", "not-the-password")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "The username or password is not correct, or the account is disabled."
    }
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(token_request, users):
    users["agent_td"].is_active = False
    users["agent_td"].save()

    assert token_request("agent_td", PASSWORD).status_code == 401
    assert not ApiToken.objects.exists()


def test_a_token_request_without_password_is_a_field_error(api, users, field_errors):
    response = api().post("/auth/token", {"username": "agent_td"})

    assert field_errors(response) == {"password": ["missing"]}
    assert response.json()["detail"][0]["msg"] == "This field is required."


@pytest.mark.parametrize("path", ["/sites", "/themes", "/persons", "/visits"])
def test_every_route_but_the_token_needs_a_token(api, users, path):
    response = api().get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_made_up_token_gets_401(api, users):
    client = api()
    client.headers["Authorization"] = "Bearer made-up"

    assert client.get("/persons").status_code == 401


def test_a_token_of_another_scheme_gets_401(api, users):
    client = api(users["agent_td"])
    client.headers["Authorization"] = client.headers["Authorization"].replace("Bearer", "Basic")

    assert client.get("/persons").status_code == 401


def test_an_expired_token_gets_401(api, users):
    client = api(users["agent_td"])
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get("/persons").status_code == 401


def test_a_revoked_token_gets_401(api, users):
    client = api(users["agent_td"])
    ApiToken.objects.update(revoked_at=timezone.now())

    assert client.get("/persons").status_code == 401


def test_the_token_of_a_user_disabled_since_gets_401(api, users):
    client = api(users["agent_td"])
    users["agent_td"].is_active = False
    users["agent_td"].save()

    assert client.get("/persons").status_code == 401


def test_sites_are_those_in_scope(api, users):
    def codes(user):
        return [site["code"] for site in api(user).get("/sites").json()]

    assert codes(users["agent_td"]) == ["TD-NDJ1"]
    assert codes(users["coordinator_td"]) == ["TD-MOU1", "TD-NDJ1"]
    assert codes(users["me_hq"]) == ["MZ-MPM1", "TD-MOU1", "TD-NDJ1"]
    assert codes(users["provider_user"]) == []


def test_themes_are_named_in_the_request_language(api, users):
    themes = api(users["agent_td"], language="pt").get("/themes").json()

    gbv = next(t for t in themes if t["code"] == "gbv")
    assert gbv["name"] == gbv["name_pt"] == "Violência baseada no género"
    assert gbv["name_en"] == "Gender-based violence"


def test_openapi_document_lists_every_route_without_a_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    listed = {(path, method) for path, ops in paths.items() for method in ops}
    # The foundation's routes, and at least one of each app built on it.
    assert {
        ("/api/v1/auth/token", "post"),
        ("/api/v1/sites", "get"),
        ("/api/v1/themes", "get"),
        ("/api/v1/persons", "get"),
        ("/api/v1/persons", "post"),
        ("/api/v1/persons/match", "post"),
        ("/api/v1/persons/{person_id}", "get"),
        ("/api/v1/persons/{person_id}", "patch"),
        ("/api/v1/visits", "get"),
        ("/api/v1/visits", "post"),
        ("/api/v1/cases", "get"),
        ("/api/v1/referrals", "post"),
        ("/api/v1/referrals/{referral_id}/slip.pdf", "get"),
        ("/api/v1/fund/requests", "post"),
        ("/api/v1/fund/balances", "get"),
        ("/api/v1/hsds/services", "get"),
        ("/api/v1/partners/organisations/{organisation_id}", "get"),
        ("/api/v1/networks/members", "post"),
        ("/api/v1/networks/members/{member_id}", "delete"),
        ("/api/v1/resources/documents", "post"),
        ("/api/v1/resources/support/{support_id}", "get"),
        ("/api/v1/diagnostics", "post"),
        ("/api/v1/diagnostics/{study_id}/tables", "get"),
        ("/api/v1/diagnostics/{study_id}/import", "post"),
    } <= listed
    # A document's file is sent as multipart/form-data, as the document says.
    upload = paths["/api/v1/resources/documents"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    # Only these routes take no user's bearer token: the token route itself, the sync's
    # enrolment and exchange (a node's own credential, checked by the sync) and the SMS
    # gateway's callbacks (its shared secret, checked by the sms app).
    open_routes = {
        (path, method)
        for path, ops in paths.items()
        for method, op in ops.items()
        if not op.get("security")
    }
    assert open_routes == {
        ("/api/v1/auth/token", "post"),
        ("/api/v1/sync/enrol", "post"),
        ("/api/v1/sync/exchange", "post"),
        ("/api/v1/sms/inbound", "post"),
        ("/api/v1/sms/status", "post"),
    }
    assert "confirm_new" in paths["/api/v1/persons"]["post"]["description"]
    assert response.json()["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_loads_nothing_from_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404

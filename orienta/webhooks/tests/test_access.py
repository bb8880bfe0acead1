"""Every integrations page for every role, in and out of scope; what the lists show; an
attacker's tries (another country's subscription, push or instance)."""

import pytest
from django.urls import get_resolver

from orienta.core.tests.test_access_matrix import _walk
from orienta.lib.indicators import Period
from orienta.testing import access as matrix
from orienta.webhooks import dhis2, services
from orienta.webhooks.models import Delivery, DeliveryStatus, Subscription
from orienta.webhooks.tests import access


def test_every_webhooks_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("webhooks:")}
    assert pages == set(access.ROUTES)


def objects(country, coordinator, url):
    subscription, _secret = services.subscription_create(
        by=coordinator,
        name=f"Partenaire {country.code}",
        url=f"{url}/{country.code}",
        events=["referral.sent"],
        country=country,
    )
    dhis2.connection_save(
        country=country, by=coordinator, url=url, auth="token", secret=f"d2pat_{country.code}"
    )
    push = dhis2.push_request(country=country, period=Period.parse("2026-02"), by=coordinator)
    delivery = Delivery.objects.create(
        subscription=subscription,
        event="referral.sent",
        payload={},
        status=DeliveryStatus.FAILED,
        attempts=6,
        response_code=503,
        error="The server answered %(status)s.",
        error_params={"status": 503},
    )
    return {"subscription": subscription, "push": push, "country": country, "delivery": delivery}


@pytest.fixture
def scope(world, users, receiver):
    return {
        "in": objects(world["td"], users["coordinator_td"], receiver.url),
        "out": objects(world["mz"], users["coordinator_mz"], receiver.url),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name == "webhooks:index" and response.status_code == 200:
            for where in ("in", "out"):
                listed = scope[where]["subscription"].name in response.text
                expected = role == "admin_user" or access.COUNTRY_OF[where] == role
                assert listed == expected, f"{where} listed: {listed}"
        if name == "webhooks:dhis2" and response.status_code == 200:
            for where in ("in", "out"):
                listed = f"/webhooks/dhis2/pushes/{scope[where]['push'].pk}/" in response.text
                expected = role in ("admin_user", "me_hq") or access.COUNTRY_OF[where] == role
                assert listed == expected, f"{where} push listed: {listed}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


def test_a_coordinator_cannot_change_another_countrys_subscription(client, users, scope):
    client.force_login(users["coordinator_td"])
    theirs = scope["out"]["subscription"]
    for path in ("", "edit/"):
        assert client.get(f"/webhooks/{theirs.pk}/{path}").status_code == 404
    posted = client.post(
        f"/webhooks/{theirs.pk}/edit/",
        {"name": "Pris", "url": "http://127.0.0.1:9/x", "events": ["case.opened"]},
    )
    assert posted.status_code == 404
    for action in ("disable", "test", "secret"):
        assert client.post(f"/webhooks/{theirs.pk}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active and theirs.name == "Partenaire MZ" and theirs.deliveries.count() == 1
    # Nor make one for another country, nor one for an organisation of another country.
    made = client.post(
        "/webhooks/new/",
        {
            "name": "Détourné",
            "url": "http://127.0.0.1:9/x",
            "events": ["referral.sent"],
            "country": str(scope["out"]["country"].pk),
        },
    )
    assert made.status_code == 422
    assert not Subscription.objects.filter(name="Détourné").exists()


def test_a_coordinator_cannot_push_nor_configure_another_country(client, users, scope):
    client.force_login(users["coordinator_td"])
    mz = scope["out"]["country"]
    response = client.post("/webhooks/dhis2/push/", {"country": str(mz.pk), "period": "2026-02"})
    assert response.status_code == 422
    assert not scope["out"]["push"].country.dhis2push_set.exclude(pk=scope["out"]["push"].pk)
    assert client.get("/webhooks/dhis2/MZ/connection/").status_code == 404
    posted = client.post(
        "/webhooks/dhis2/MZ/connection/",
        {"url": "http://127.0.0.1:9", "auth": "token", "secret": "volé"},
    )
    assert posted.status_code == 404


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        matrix.check_refusal_logged(response, role, before)
        if response.status_code == 200:
            listed = {item["id"] for item in response.json()["items"]}
            for where in ("in", "out"):
                shown = str(scope[where]["delivery"].pk) in listed
                sees = role == "admin_user" or access.COUNTRY_OF[where] == role
                assert shown == sees, f"{where} listed: {shown}"

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)


def test_the_delivery_log_in_the_api_says_what_went_wrong_in_the_callers_language(
    client, users, scope
):
    headers = matrix.api_headers(users, "coordinator_td")
    url = "/api/v1/webhooks/deliveries?status=failed"
    [item] = client.get(url, HTTP_ACCEPT_LANGUAGE="fr", **headers).json()["items"]
    assert item["subscription"] == str(scope["in"]["subscription"].pk)
    assert (item["status"], item["attempts"], item["response_code"]) == ("failed", 6, 503)
    assert item["country"] == "TD" and "503" in item["error"]
    assert "The server answered" not in item["error"]  # in French
    assert item["next_attempt_at"] is None
    theirs = scope["out"]["subscription"].pk
    other = client.get(f"/api/v1/webhooks/deliveries?subscription={theirs}", **headers)
    assert other.json() == {"items": [], "count": 0}

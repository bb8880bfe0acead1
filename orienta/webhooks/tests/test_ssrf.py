"""Addresses a user types are called only when they are public http(s) addresses: an attacker
cannot make the server call itself, its private network or the cloud's metadata service."""

import pytest

from orienta.conftest import force_login_verified
from orienta.webhooks import outbound, services
from orienta.webhooks.models import Delivery, Subscription

INSIDE = [
    "http://127.0.0.1:8000/admin/",
    "http://localhost/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://10.1.2.3/hook",
    "http://172.16.0.5/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://2130706433/",  # 127.0.0.1 written as a number
    "http://192.0.2.10/",  # documentation range, not routed
]
NOT_HTTP = [
    "ftp://example.org/file",
    "file:///etc/passwd",
    "gopher://example.org/",
    "javascript:alert(1)",
    "https://user:password@example.org/",
    "example.org/hook",
    "",
]


@pytest.fixture
def production(settings):
    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = False


@pytest.mark.parametrize("url", INSIDE + NOT_HTTP)
def test_an_inside_or_non_http_address_is_refused(production, world, users, url):
    with pytest.raises(outbound.AddressRefused):
        services.subscription_create(
            by=users["admin_user"],
            name="SSRF",
            url=url,
            events=["referral.sent"],
            country=world["td"],
        )
    assert not Subscription.objects.exists()


def test_a_public_address_is_accepted(production):
    assert outbound.check_url("https://93.184.215.14/hooks/orienta") == (
        "https://93.184.215.14/hooks/orienta"
    )


def test_the_page_says_why_and_saves_nothing(production, client, world, users):
    force_login_verified(client, users["coordinator_td"])
    response = client.post(
        "/webhooks/new/",
        {
            "name": "Métadonnées",
            "url": "http://169.254.169.254/latest/meta-data/",
            "events": ["referral.sent"],
            "country": str(world["td"].pk),
        },
    )
    assert response.status_code == 422
    assert "169.254.169.254" in response.text and "adresses publiques" in response.text
    assert not Subscription.objects.exists()


def test_an_address_that_became_inside_is_not_called(
    world, users, receiver, settings, django_capture_on_commit_callbacks
):
    """Saved while allowed (or resolving elsewhere then): the check runs again at each call."""
    subscription, _secret = services.subscription_create(
        by=users["admin_user"],
        name="Rebind",
        url=receiver.url,
        events=["referral.sent"],
        country=world["td"],
    )
    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = False
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.subscription_test(subscription=subscription, by=users["admin_user"])
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.status == "failed" and "public addresses" in delivery.error
    assert delivery.error_params == {"host": "127.0.0.1"}
    assert receiver.received == []


def test_redirects_are_not_followed(world, users, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [302]
    subscription, _secret = services.subscription_create(
        by=users["admin_user"],
        name="Redirect",
        url=receiver.url,
        events=["referral.sent"],
        country=world["td"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.subscription_test(subscription=subscription, by=users["admin_user"])
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert (delivery.status, delivery.response_code) == ("failed", 302)
    assert len(receiver.received) == 1

"""The webhooks pages: make, change, test, disable and enable a subscription; bad input gets a
clear message and saves nothing; the lists stay a few queries whatever they hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orienta.conftest import force_login_verified
from orienta.webhooks import services
from orienta.webhooks.models import Delivery, Subscription
from orienta.webhooks.sealing import unseal


@pytest.fixture
def coordinator(client, users):
    force_login_verified(client, users["coordinator_td"])
    return client


def _form(receiver, **changes):
    return {
        "name": "Système du centre de santé",
        "url": receiver.url + "/orienta",
        "events": ["referral.sent", "case.closed"],
    } | changes


def test_make_a_subscription_and_see_its_secret_once(coordinator, world, receiver):
    response = coordinator.post("/webhooks/new/", _form(receiver, country=str(world["td"].pk)))
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{subscription.pk}/"
    shown = coordinator.get(response["Location"])
    secret = shown.context["secret"]
    assert unseal(subscription.secret_sealed) == secret and secret in shown.text
    assert subscription.events == ["referral.sent", "case.closed"]
    assert (subscription.country, subscription.organisation) == (world["td"], None)
    page = coordinator.get(f"/webhooks/{subscription.pk}/")  # once only
    assert page.status_code == 200 and secret not in page.text
    # Renewed: the new one, once; the old one no longer signs.
    renewed = coordinator.post(f"/webhooks/{subscription.pk}/secret/", follow=True)
    new_secret = renewed.context["secret"]
    subscription.refresh_from_db()
    assert new_secret != secret and unseal(subscription.secret_sealed) == new_secret


def test_bad_input_is_said_and_nothing_is_saved(coordinator, world, receiver):
    country = str(world["td"].pk)
    no_event = coordinator.post("/webhooks/new/", _form(receiver, country=country, events=[]))
    assert no_event.status_code == 422 and no_event.context["form"].errors["events"]
    unknown = coordinator.post(
        "/webhooks/new/", _form(receiver, country=country, events=["person.registered"])
    )
    assert unknown.status_code == 422
    mailto = coordinator.post(
        "/webhooks/new/", _form(receiver, country=country, url="mailto:x@example.org")
    )
    assert mailto.status_code == 422 and "https://" in mailto.text
    assert not Subscription.objects.exists()


def test_edit_test_disable_and_enable(
    coordinator, world, users, receiver, django_capture_on_commit_callbacks
):
    subscription, _secret = services.subscription_create(
        by=users["coordinator_td"],
        name="Partenaire",
        url=receiver.url,
        events=["referral.sent"],
        country=world["td"],
    )
    path = f"/webhooks/{subscription.pk}/"
    edited = coordinator.post(
        path + "edit/",
        _form(receiver, name="Partenaire santé", version=subscription.version),
    )
    assert edited.status_code == 302
    stale = coordinator.post(
        path + "edit/", _form(receiver, name="Écrasé", version=subscription.version)
    )
    assert stale.status_code == 422 and "Quelqu’un d’autre a modifié cette fiche" in stale.text
    subscription.refresh_from_db()
    assert subscription.name == "Partenaire santé" and subscription.version == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(path + "test/").status_code == 302
    ping = Delivery.objects.get()
    assert (ping.event, ping.status, ping.response_code) == ("ping", "delivered", 200)
    assert "Test" in coordinator.get(path).text
    assert coordinator.post(path + "disable/").status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_reason == "by_user"
    again = coordinator.post(path + "disable/", follow=True)
    assert "déjà désactivé" in again.text
    assert coordinator.post(path + "enable/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.active


def test_the_lists_read_a_bounded_number_of_queries(coordinator, world, users, receiver):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert coordinator.get("/webhooks/").status_code == 200
        return len(queries)

    services.subscription_create(
        by=users["coordinator_td"],
        name="Un",
        url=receiver.url,
        events=["referral.sent"],
        country=world["td"],
    )
    few = count()
    for n in range(5):
        subscription, _secret = services.subscription_create(
            by=users["coordinator_td"],
            name=f"Partenaire {n}",
            url=receiver.url,
            events=["referral.sent"],
            country=world["td"],
        )
        Delivery.objects.create(subscription=subscription, event="referral.sent", payload={})
    assert count() == few

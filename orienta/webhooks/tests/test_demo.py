"""The demo's webhooks: Chad's partner subscription with a real delivery log, and nothing that
leaves a demonstration server — the subscription is disabled, its deliveries are shown as not
sent, and the page says so in the reader's language."""

from django.test import override_settings
from django.utils import translation

from orienta.conftest import force_login_verified
from orienta.core.models import User
from orienta.webhooks.models import Delivery, DeliveryStatus, Subscription


def test_the_demo_subscription_is_disabled_with_its_log_shown_as_not_sent(demo_data, client):
    subscription = Subscription.objects.get()
    assert subscription.country.code == "TD" and not subscription.active
    assert subscription.url.startswith("https://partenaire.example.org/")
    deliveries = Delivery.objects.filter(subscription=subscription)
    assert deliveries.count() > 5
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert all(d.attempts == 0 and d.response_code is None for d in deliveries)
    payloads = [d.payload for d in deliveries]
    assert all(p["country"] == "TD" and p["data"]["referral"]["code"] for p in payloads)
    assert not any("name" in str(p).lower() for p in payloads)  # no personal field

    coordinator = User.objects.get(username="coordinator-td")
    force_login_verified(client, coordinator)
    with override_settings(DEMO=True):
        page = client.get("/webhooks/", HTTP_ACCEPT_LANGUAGE="fr")
        one = client.get(f"/webhooks/{subscription.pk}/")
    assert 'id="demo-notice"' in page.text and "rien n’est envoyé" in page.text.replace("'", "’")
    assert "Non envoyé : données de démonstration" in page.text.replace("\u202f", " ")
    assert 'id="demo-notice"' in one.text and "Non envoyé" in one.text
    with translation.override("pt"):
        assert "não enviado" in Delivery.objects.first().error_message.lower()
    with override_settings(DEMO=False):
        assert 'id="demo-notice"' not in client.get("/webhooks/").text

"""Webhooks on a small phone: the country's coordinator subscribes a partner's server to the
referrals sent, an agent refers a person, and the coordinator sees the signed delivery in the
log (the partner's server is a real one on loopback)."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral
from orienta.webhooks import signing
from orienta.webhooks.models import Delivery
from orienta.webhooks.tests.fakes import FakeServer, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 800}


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _sign_in(page, live_server, user) -> None:
    client = force_login_verified(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
            }
        ]
    )


@pytest.fixture
def receiver(settings):
    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = True  # the partner's server is on 127.0.0.1
    fake = FakeServer()
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


def test_subscribe_refer_and_see_the_delivery(
    page, live_server, users, persons, world, receiver, browser_log, shot
):
    origin = live_server.url
    service = make_service(
        world["provider_org"],
        name="Consultation prénatale",
        amount=500,
        currency="XAF",
        themes=[Theme.objects.get(code="health")],
    )
    # 1. The coordinator subscribes the partner's server, from the menu.
    _sign_in(page, live_server, users["coordinator_td"])
    page.goto(origin + "/")
    page.locator("header details.menu > summary").click()
    page.locator("header nav a[href='/webhooks/']").click()
    page.wait_for_url(origin + "/webhooks/")
    page.locator("a[href='/webhooks/new/']").click()
    page.fill("#id_name", "Système du centre de santé")
    page.fill("#id_url", receiver.url + "/orienta")
    page.check("input[name=events][value='referral.sent']")
    page.check("input[name=events][value='referral.served']")
    _no_sideways_scroll(page)
    shot("01-new")
    page.locator("form.stack button[type=submit]").click()
    secret = page.locator("#secret").input_value()
    assert len(secret) >= 40
    _no_sideways_scroll(page)
    shot("02-secret")
    page.locator("main a.button").click()
    page.wait_for_url(re.compile(r"/webhooks/[0-9a-f-]{36}/$"))
    expect(page.locator("main")).to_contain_text("Rien n’a encore été envoyé.")

    # 2. An agent refers a person to the partner's service.
    person = persons["person_td"]
    consent_give(person=person, purpose="processing", by=users["agent_td"])
    consent_give(person=person, purpose="sharing", by=users["agent_td"])
    _sign_in(page, live_server, users["agent_td"])
    page.goto(f"{origin}/referrals/new/?person={person.pk}")
    page.select_option("#id_theme", "health")
    page.locator(".ref-filter button[type=submit]").click()
    page.check(f"input[name=service][value='{service.pk}']")
    page.fill("#id_reason", "Suivi de grossesse")
    page.locator("button[name=step][value=preview]").click()
    page.locator("button[name=step][value=send]").click()
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]+/$"))
    referral = Referral.objects.get()

    # 3. The partner's server got it, signed with the secret the page showed, without a name.
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert signing.verify(
        secret,
        timestamp=got.headers["X-Orienta-Timestamp"],
        signature_header=got.headers["X-Orienta-Signature"],
        body=got.body,
        now=time.time(),
    )
    assert got.json()["data"]["referral"]["code"] == referral.code
    assert "Achta" not in got.body.decode() and "grossesse" not in got.body.decode()

    # 4. The coordinator sees it in the delivery log.
    _sign_in(page, live_server, users["coordinator_td"])
    page.goto(origin + "/webhooks/")
    delivery = Delivery.objects.get()
    entry = page.locator(f"#delivery-{delivery.pk}")
    expect(entry).to_contain_text("Orientation envoyée")
    expect(entry).to_contain_text("referral.sent")
    expect(entry).to_contain_text("Livré")
    expect(entry).to_contain_text("réponse 200")
    _no_sideways_scroll(page)
    shot("03-log")
    page.locator("main ul.cards a").first.click()
    expect(page.locator(f"#delivery-{delivery.pk}")).to_contain_text("1 tentative")
    shot("04-subscription")
    page.set_viewport_size(DESKTOP)
    shot("05-subscription-desktop")
    # In Portuguese, for a coordinator who reads it.
    users["coordinator_td"].language = "pt"
    users["coordinator_td"].save()
    page.set_viewport_size({"width": 360, "height": 640})
    page.reload()
    expect(page.locator(f"#delivery-{delivery.pk}")).to_contain_text("Entregue")
    _no_sideways_scroll(page)
    shot("06-subscription-pt")
    browser_log.assert_clean(origin)


def test_set_the_dhis2_instance_push_and_read_the_summary(
    page, live_server, users, world, settings, browser_log, shot
):
    """The coordinator sets the country's DHIS2 (a fake one on loopback), pushes a month and
    reads DHIS2's import summary."""
    from orienta.reporting.models import Dhis2DataElement, Dhis2OrgUnit
    from orienta.webhooks.tests.conftest import dhis2_summary
    from orienta.webhooks.tests.fakes import FakeServer, serve

    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = True
    fake = FakeServer(reply=dhis2_summary)
    server = serve(fake)
    try:
        Dhis2DataElement.objects.create(
            indicator_code="PERSONS_WELCOMED",
            data_element="DEwelcomed1",
            category_option_combo="COCtotal001",
        )
        Dhis2OrgUnit.objects.create(country=world["td"], org_unit="OUtchad0001")
        origin = live_server.url
        _sign_in(page, live_server, users["coordinator_td"])
        page.goto(origin + "/webhooks/dhis2/")
        page.locator("a[href='/webhooks/dhis2/TD/connection/']").click()
        page.fill("#id_url", fake.url)
        page.select_option("#id_auth", "token")
        page.fill("#id_secret", "d2pat_good")
        _no_sideways_scroll(page)
        shot("01-instance")
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(origin + "/webhooks/dhis2/")
        expect(page.locator("main")).to_contain_text(fake.url)
        page.fill("#id_period", "2026-02")
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(re.compile(r"/webhooks/dhis2/pushes/[0-9a-f-]{36}/$"))
        expect(page.locator("main")).to_contain_text("Importées")
        expect(page.locator("main")).to_contain_text("SUCCESS")
        assert fake.received and fake.received[0].headers["Authorization"] == "ApiToken d2pat_good"
        _no_sideways_scroll(page)
        shot("02-summary")
        browser_log.assert_clean(origin)
    finally:
        server.shutdown()
        server.server_close()

"""The SMS page after a referral's SMS, on a small phone: the referral's code went to the person
through the (fake, loopback) gateway, the provider confirmed by SMS; the site manager reads the
log and the costs, in French and in Portuguese, and M&E sees the same log masked."""

import json

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.core.models import Organisation
from orienta.directory.tests.factories import make_service
from orienta.people.rights import consent_give
from orienta.referrals.models import Status
from orienta.referrals.tests.factories import make_referral
from orienta.sms import tasks
from orienta.sms.tests.gateway import FakeGateway

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SECRET = "browser-test-secret"


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
def gateway(settings):
    with FakeGateway() as fake:
        settings.SMS_BACKEND = "orienta.sms.gateways.HttpBackend"
        settings.SMS_HTTP_URL = f"{fake.url}/send"
        settings.SMS_INBOUND_SECRET = SECRET
        yield fake


def test_the_sms_log_after_a_referrals_sms(page, live_server, world, users, persons, gateway, shot):
    agent, person = users["agent_td"], persons["person_td"]
    for purpose in ("processing", "sharing", "sms"):
        consent_give(person=person, purpose=purpose, by=agent)
    org = world["provider_org"]
    Organisation.objects.filter(pk=org.pk).update(phone="+23566999001")
    referral = make_referral(person, make_service(org, name="Consultation prénatale"), agent)
    tasks.run()
    assert gateway.requests[0]["body"]["to"] == person.phone
    # The provider answers by SMS.
    answer = Client().post(
        "/api/v1/sms/inbound",
        data=json.dumps({"from": "+23566999001", "text": f"{referral.code} SERVI"}),
        content_type="application/json",
        HTTP_X_ORIENTA_SMS_SECRET=SECRET,
    )
    assert answer.json()["action"] == "confirmed"
    referral.refresh_from_db()
    assert referral.status == Status.SERVED

    # 1. The site manager opens the SMS page from the menu.
    _sign_in(page, live_server, users["manager_td"])
    page.goto(live_server.url + "/day/")
    page.locator("header details.menu > summary").click()
    page.locator("header nav a[href='/sms/']").click()
    page.wait_for_url(live_server.url + "/sms/")
    main = page.locator("main")
    expect(main).to_contain_text("Code d’orientation")
    expect(main).to_contain_text(f"votre orientation {referral.code}")
    expect(main).to_contain_text("Confirmation du prestataire")
    expect(main).to_contain_text(f"{referral.code} SERVI")
    expect(main).to_contain_text("0,04 USD")
    _no_sideways_scroll(page)
    shot("01-manager-fr")

    # 2. The same page in Portuguese, on a laptop.
    users["manager_td"].language = "pt"
    users["manager_td"].save(update_fields=["language"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    expect(main).to_contain_text("Código de encaminhamento")
    expect(main).to_contain_text("Custos")
    shot("02-manager-pt-laptop")

    # 3. M&E: the same messages, the numbers masked and no text.
    page.set_viewport_size({"width": 360, "height": 640})
    _sign_in(page, live_server, users["me_hq"])
    page.goto(live_server.url + "/sms/")
    expect(main).to_contain_text("+235 •••••• 56")
    expect(main).not_to_contain_text(referral.code)
    expect(main).not_to_contain_text(person.phone)
    _no_sideways_scroll(page)
    shot("03-me-masked")

"""The support fund on a small phone: from the referral's page, an agent requests the fee of two
copies, the site manager approves it and records the mobile money payment, the referral's page
and slip say so, and the provider reads it on its statement."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.directory.tests.factories import make_service
from orienta.fund.tests.factories import make_fund
from orienta.referrals.tests.factories import make_referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REFERENCE = "AM241129.1530.C47"


def _fr(text: str) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.fixture
def become(page, live_server):
    """become(user): the browser's session is now this user's (past two-factor if needed)."""

    def go(user) -> None:
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

    return go


def test_fee_of_a_referral_requested_approved_paid_and_on_the_statement(
    page, live_server, world, users, persons, become, browser_log, shot
):
    origin = live_server.url
    fund, period = make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 20000)],
    )
    service = make_service(
        world["provider_org"], name="Acte de naissance", amount=1000, currency="XAF"
    )
    referral = make_referral(persons["person_td"], service, users["agent_td"])

    # 1. The agent asks the fund to pay the fee of the referral, from the referral's page.
    become(users["agent_td"])
    page.goto(f"{origin}/referrals/{referral.pk}/")
    _no_sideways_scroll(page)
    shot("00-referral")
    page.locator(".fund-panel").get_by_role("link", name=_fr("Request a payment")).click()
    expect(page.locator("h1")).to_have_text(_fr("Request a payment from the fund"))
    expect(page.locator("main")).to_contain_text(referral.code)
    expect(page.locator("#id_unit_price")).to_have_value("1000")
    expect(page.locator("#id_quantity")).to_have_value("1")
    page.fill("#id_quantity", "2")
    page.check("input[name=criteria][value=no_income]")
    page.fill("#id_reason", "Mère seule sans revenu")
    _no_sideways_scroll(page)
    shot("01-request")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".fund-status")).to_have_text(_fr("Awaiting approval"))
    expect(page.locator("main")).to_contain_text("2\u202f000 XAF (2 × 1\u202f000 XAF)")
    expect(page.locator("main")).not_to_contain_text(_fr("Approved by"))
    code = page.locator("h1 small").inner_text()
    shot("02-requested")
    page.goto(f"{origin}/referrals/{referral.pk}/")
    panel = page.locator(".fund-panel")
    expect(panel).to_contain_text(code)
    expect(panel.get_by_role("link", name=_fr("Request a payment"))).to_have_count(0)

    # 2. The site manager finds it in the queue, approves it, records the mobile payment.
    become(users["manager_td"])
    page.goto(f"{origin}/fund/queue/")
    _no_sideways_scroll(page)
    shot("03-queue")
    page.get_by_role("link", name=code).click()
    page.locator("form[action$='/approve/'] button").click()
    expect(page.locator(".fund-status")).to_have_text(_fr("Approved, to pay"))
    page.check("input[name=method][value=mobile]")
    page.select_option("#id_operator", "Airtel Money")
    page.fill("#id_reference", REFERENCE)
    shot("04-approved")
    _no_sideways_scroll(page)
    page.locator("form[action$='/pay/'] button[type=submit]").click()
    expect(page.locator(".fund-status")).to_have_text(_fr("Paid"))
    expect(page.locator("main")).to_contain_text(REFERENCE)
    shot("05-paid")
    page.goto(f"{origin}/fund/sites/")
    expect(page.locator(".fund-positions")).to_contain_text("18\u202f000 XAF")
    _no_sideways_scroll(page)
    shot("06-positions")

    # 3. The provider reads its statement for the period.
    become(users["provider_user"])
    page.goto(f"{origin}/fund/statements/")
    page.select_option("#id_provider", str(world["provider_org"].pk))
    page.select_option("#id_period", str(period.pk))
    page.locator("main form button[type=submit]").click()
    table = page.locator(".fund-statement")
    expect(table).to_contain_text(code)
    expect(table).to_contain_text(REFERENCE)
    expect(table).to_contain_text(referral.code)
    expect(page.locator("main")).not_to_contain_text("Achta")
    _no_sideways_scroll(page)
    shot("07-statement")
    browser_log.assert_clean(origin)

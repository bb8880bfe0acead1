"""The agent's loop on a 360-pixel phone, counted in taps: from the landing page (the worklist,
just after signing in) to the referral slip opened, for a person already registered and for a
new one. Typing does not count; every link, button, box ticked and choice in a select does."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.referrals.models import Referral
from tests.browser.loop_data import loop_world
from tests.browser.taps import Taps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

KNOWN_PERSON_TAPS = 8
NEW_PERSON_TAPS = 12
SCREEN_HEIGHT = 640
TOUCH_TARGET = 44  # px, the height of a finger


def _land(page, live_server, user) -> None:
    """Signed in, on the landing page."""
    client = Client()
    client.force_login(user)
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
    page.goto(live_server.url + "/")
    page.wait_for_url(live_server.url + "/worklist/")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _refer_and_print(page, taps, service) -> None:
    """On the referral form: the service, the reason, preview, send, then the slip."""
    first = page.locator("input[name=service]").first
    expect(first).to_have_value(str(service.pk))  # the site's own area first
    taps.check(first, "service")
    page.fill("#id_reason", "Consultation de médecine générale")
    taps.click("button[name=step][value=preview]", "preview")
    taps.click("button[name=step][value=send]", "send")
    page.wait_for_url(re.compile(r"/referrals/[0-9a-f-]{36}/$"))
    with page.expect_response(re.compile(r"/slip\.pdf")) as slip:
        taps.click(page.locator("a[href*='slip.pdf']").first, "slip")
    assert slip.value.ok
    assert slip.value.headers["content-type"] == "application/pdf"


def _clean(browser_log, live_server) -> None:
    """No foreign request nor error; the slip opens in Chromium's own PDF viewer, which the
    browser loads from itself."""
    browser_log.requests = [
        url for url in browser_log.requests if not url.startswith("chrome-extension://")
    ]
    browser_log.assert_clean(live_server.url)


def test_a_known_person_from_the_landing_page_to_a_printed_slip(
    page, live_server, world, users, persons, browser_log, shot
):
    data = loop_world(world, users)
    _land(page, live_server, users["agent_td"])
    taps = Taps(page)

    # The search box is at the top of the landing page; the exact name comes first.
    box = page.locator("#id_q")
    assert box.bounding_box()["y"] < SCREEN_HEIGHT / 2
    page.fill("#id_q", "Mohamed Abakar")
    results = page.locator("#results ul.cards > li a")
    expect(results.first).to_have_text("Mohamed Abakar")
    expect(page.locator("#results")).to_contain_text("Mahamat Abakar")  # the look-alike, after
    shot("01-search")
    taps.click(results.first, "person")
    page.wait_for_url(re.compile(rf"/people/{data['mohamed'].pk}/$"))

    # "Refer" is the first button of the person page, on the first screen despite four visits.
    refer = page.locator(".person-actions a").first
    assert refer.bounding_box()["y"] + refer.bounding_box()["height"] < SCREEN_HEIGHT
    shot("02-person")
    taps.click(refer, "refer")

    # Today's visit, already "oriented": its theme, and on to the referral form.
    page.wait_for_url(re.compile(r"/visits/new/\?person=.*&outcome=oriented"))
    expect(page.locator("input[name=outcome][value=oriented]")).to_be_checked()
    taps.check("input[name=themes][value=health]", "theme")
    taps.click("form.stack button[type=submit]", "save the visit")
    page.wait_for_url(re.compile(r"/referrals/new/\?person=.*&visit="))
    expect(page.locator("input[name=service]")).to_have_count(2)  # the visit's theme only
    shot("03-refer")
    _no_sideways_scroll(page)
    _refer_and_print(page, taps, data["ndjamena"])

    referral = Referral.objects.get()
    assert referral.person == data["mohamed"] and referral.visit.outcome == "oriented"
    print(f"\nknown person: {taps.count} taps: {', '.join(taps.log)}")
    assert taps.count <= KNOWN_PERSON_TAPS, taps.log
    _clean(browser_log, live_server)


def test_a_new_person_from_the_landing_page_to_a_printed_slip(
    page, live_server, world, users, persons, browser_log, shot
):
    data = loop_world(world, users)
    _land(page, live_server, users["agent_td"])
    taps = Taps(page)

    page.fill("#id_q", "Khadidja Brahim")
    register = page.locator("#results a.button[href*='/people/new/']")
    taps.click(register, "register")
    page.wait_for_url(re.compile(r"/people/new/\?q="))
    taps.select("#id_sex", "female", "sex")
    page.fill("#id_birth_date", "1995-03-12")
    page.fill("#id_phone", "66 22 33 44")
    taps.check("input[name=consent_processing][value=given]", "consent to processing")
    taps.check("input[name=consent_sharing][value=given]", "consent to sharing")
    taps.click("form.stack button[type=submit]", "register")

    page.wait_for_url(re.compile(r"/visits/new/\?person="))
    taps.check("input[name=themes][value=health]", "theme")
    taps.check("input[name=outcome][value=oriented]", "outcome")
    taps.click("form.stack button[type=submit]", "save the visit")
    page.wait_for_url(re.compile(r"/referrals/new/\?person=.*&visit="))
    _refer_and_print(page, taps, data["ndjamena"])

    assert Referral.objects.get().person.full_name == "Khadidja Brahim"
    print(f"\nnew person: {taps.count} taps: {', '.join(taps.log)}")
    assert taps.count <= NEW_PERSON_TAPS, taps.log
    _clean(browser_log, live_server)


def _buttons_high_enough(page, selector: str) -> None:
    for box in page.locator(selector).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= TOUCH_TARGET, (selector, box)


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_pages_of_the_loop_fit_a_small_phone(
    page, live_server, world, users, persons, shot, language
):
    from orienta.cases.tests.factories import make_action, make_case

    data = loop_world(world, users)
    agent = users["agent_td"]
    agent.language = language
    agent.save(update_fields=["language"])
    for i in range(12):
        make_action(make_case(data["mahamat"], agent), agent, what=f"Relance {i}", days=-1)
    _land(page, live_server, agent)
    page.fill("#id_q", "Mohamed Abakar")
    expect(page.locator("#results ul.cards > li").first).to_be_visible()
    shot(f"01-worklist-{language}")
    _no_sideways_scroll(page)
    expect(page.locator("#overdue li")).to_have_count(10)
    _buttons_high_enough(page, "form.search button")

    page.locator("#overdue p.more a").click()
    page.wait_for_url(re.compile(r"/worklist/overdue/$"))
    expect(page.locator("ul.cards > li")).to_have_count(12)
    shot(f"02-section-{language}")
    _no_sideways_scroll(page)

    page.goto(f"{live_server.url}/people/{data['mohamed'].pk}/")
    shot(f"03-person-{language}")
    _no_sideways_scroll(page)
    _buttons_high_enough(page, ".person-actions a")

    page.goto(f"{live_server.url}/visits/new/?person={data['mohamed'].pk}&outcome=oriented")
    shot(f"04-visit-{language}")
    _no_sideways_scroll(page)

    page.goto(f"{live_server.url}/referrals/new/?person={data['mohamed'].pk}")
    shot(f"05-refer-{language}")
    _no_sideways_scroll(page)
    _buttons_high_enough(page, "form.stack button")

    page.goto(f"{live_server.url}/day/")
    shot(f"06-day-{language}")
    _no_sideways_scroll(page)

    stranger = persons["person_td"]  # no consent recorded: the form asks for it first
    page.goto(f"{live_server.url}/referrals/new/?person={stranger.pk}")
    shot(f"07-refer-no-consent-{language}")
    _no_sideways_scroll(page)
    _buttons_high_enough(page, ".consent-needed a.button")
    page.locator(".consent-needed a.button").click()
    page.wait_for_url(re.compile(r"/consent/\?next="))
    shot(f"08-consent-{language}")
    _no_sideways_scroll(page)

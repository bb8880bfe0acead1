"""An agent's day on a small phone: sign in, find or register a person, record visits."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PASSWORD, PHONE

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; the seeded countries and themes come back each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TODAY_LINK = "header nav a[href='/day/']"
MENU = "header details.menu > summary"  # on a phone the menu's links are behind this button


def _translated(language: str, text: str) -> str:
    """The text as the server will render it in this language (same process, same catalogues)."""
    with translation.override(language):
        return translation.gettext(text)


def _catalogue(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.mo"


def _switch_language(page: Page, code: str) -> None:
    footer_form = page.locator("footer form:has(select#language)")
    footer_form.locator("select#language").select_option(code)
    footer_form.locator("button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _label_of(page: Page, input_selector: str) -> str:
    """The visible label text of a checkbox or radio button."""
    input_id = page.locator(input_selector).get_attribute("id")
    return page.locator(f"label[for='{input_id}']").inner_text().strip()


def _fill_person(page: Page, *, birth_date: str, phone: str) -> None:
    page.select_option("#id_sex", "female")
    page.fill("#id_birth_date", birth_date)
    page.fill("#id_phone", phone)
    page.check("input[name=consent_processing][value=given]")
    page.check("input[name=consent_sharing][value=given]")


def test_agent_journey(page, live_server, persons, browser_log, shot, users):
    origin = live_server.url

    # 1. The home page sends an anonymous visitor to the login page.
    page.goto(origin + "/")
    page.wait_for_url(re.compile(r"/login/"))
    expect(page.locator("#id_username")).to_be_visible()
    shot("01-login")
    page.fill("#id_username", "agent_td")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(origin + "/worklist/")  # the first page of site staff
    page.locator(MENU).click()
    page.locator(TODAY_LINK).click()
    page.wait_for_url(origin + "/day/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(TODAY_LINK)).to_have_text(_translated("fr", "Today"))
    shot("02-day")

    # 2a. Typing in the search box shows the results without leaving the page (htmx).
    page.fill("#id_q", "Mahamat")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Achta Mahamat")).to_be_visible()
    expect(results).to_contain_text(persons["person_td"].code)
    expect(page.locator("h1")).to_contain_text(_translated("fr", "Today"))  # still on the day
    shot("03-live-search")

    # 2b. The Search button works too (a plain GET, without JavaScript's help).
    page.fill("#id_q", "Hawa Abakar")
    page.locator("form.search button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/\?q=Hawa"))
    expect(page.locator("#results")).to_contain_text(_translated("fr", "Nobody found."))
    shot("04-nobody-found")
    page.locator("#results a.button[href*='/people/new/']").click()
    page.wait_for_url(re.compile(r"/people/new/\?q="))
    expect(page.locator("#id_given_name")).to_have_value("Hawa")
    expect(page.locator("#id_family_name")).to_have_value("Abakar")
    _fill_person(page, birth_date="1995-03-12", phone="66 22 33 44")
    shot("05-register-form")
    page.locator("form.stack button[type=submit]").click()

    # Nobody looks like Hawa Abakar: straight to the visit form.
    page.wait_for_url(re.compile(r"/visits/new/\?person="))
    expect(page.locator("section.candidates")).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text("Hawa Abakar")
    shot("06-visit-form")

    # 3. Record the visit.
    page.locator("input[name=themes]").first.check()
    theme = _label_of(page, "input[name=themes] >> nth=0")
    page.check("input[name=channel][value=walk_in]")
    page.check("input[name=outcome][value=informed]")
    outcome = _label_of(page, "input[name=outcome][value=informed]")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("Hawa Abakar")
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(1)
    expect(timeline.first).to_contain_text(theme)
    expect(timeline.first).to_contain_text(outcome)
    expect(timeline.first).to_contain_text("TD-NDJ1")
    expect(page.locator("dl.facts")).to_contain_text("+235 66 22 33 44")
    person_url = page.url
    shot("07-person")

    # The day page lists the visit.
    page.locator(MENU).click()
    page.locator(TODAY_LINK).click()
    page.wait_for_url(origin + "/day/")
    expect(page.locator("ul.cards")).to_contain_text("Hawa Abakar")
    shot("08-day-with-visit")

    # 4. The footer switches the language, and keeps the agent on the same page.
    for code in ("pt", "en"):
        _switch_language(page, code)
        expect(page).to_have_url(origin + "/day/")
        expect(page.locator(TODAY_LINK)).to_have_text(_translated(code, "Today"))
        if code == "pt" and _catalogue("pt").exists():
            expect(page.locator(TODAY_LINK)).to_have_text("Hoje")
        shot(f"09-day-{code}")
    expect(page.locator(TODAY_LINK)).to_have_text("Today")
    users["agent_td"].refresh_from_db()
    assert users["agent_td"].language == "en"  # remembered on the account

    # 6. The same pages on a desktop screen.
    page.set_viewport_size(DESKTOP)
    response = page.goto(origin + "/day/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    shot("10-day-desktop")
    page.goto(person_url)
    expect(page.locator("ol.timeline > li")).to_have_count(1)
    shot("11-person-desktop")
    page.set_viewport_size(PHONE)

    # 5. Everything came from the live server, and the browser saw no error (nor CSP violation).
    browser_log.assert_clean(origin)


def test_lookalike_panel_offers_to_register_a_new_person(
    page, live_server, users, persons, sign_in, browser_log, shot
):
    sign_in(users["agent_td"])
    page.goto(live_server.url + "/people/new/?q=Ashta+Mahamat")
    _fill_person(page, birth_date="1990-05-04", phone="66 55 44 33")
    page.locator("form.stack button[type=submit]").click()

    panel = page.locator("section.candidates")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Achta Mahamat")
    expect(panel).to_contain_text(persons["person_td"].code)
    shot("01-lookalikes")
    page.locator("form.stack input[name=confirm_new] ~ button[type=submit]").click()

    page.wait_for_url(re.compile(r"/visits/new/\?person="))
    expect(page.locator("main")).to_contain_text("Ashta Mahamat")
    assert persons["person_td"].pk.hex not in page.url.replace("-", "")
    browser_log.assert_clean(live_server.url)


def test_lookalike_panel_opens_the_existing_person(
    page, live_server, users, persons, sign_in, browser_log
):
    sign_in(users["agent_td"])
    page.goto(live_server.url + "/people/new/?q=Ashta+Mahamat")
    _fill_person(page, birth_date="1990-05-04", phone="66 12 34 56")
    page.locator("form.stack button[type=submit]").click()

    card = page.locator("section.candidates li", has_text="Achta Mahamat")
    card.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/visits/new/\?person={persons['person_td'].pk}$"))
    expect(page.locator("main")).to_contain_text("Achta Mahamat")
    browser_log.assert_clean(live_server.url)


def test_anonymous_visit_from_the_day_page(page, live_server, users, sign_in, browser_log, shot):
    sign_in(users["agent_td"])
    page.locator("main a.button[href$='/visits/new/']").click()
    page.wait_for_url(re.compile(r"/visits/new/$"))
    expect(page.locator("#id_anonymous_sex")).to_be_visible()
    page.select_option("#id_anonymous_sex", "male")
    page.fill("#id_anonymous_age", "19")
    page.locator("input[name=themes]").first.check()
    page.check("input[name=channel][value=outreach]")
    page.check("input[name=outcome][value=informed]")
    shot("01-anonymous-form")
    page.locator("form.stack button[type=submit]").click()

    page.wait_for_url(live_server.url + "/day/")
    expect(page.locator(".messages")).to_be_visible()
    cards = page.locator("ul.cards > li")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(_translated("fr", "Anonymous"))
    expect(cards.first).to_contain_text("19 ans")
    shot("02-day-with-anonymous")
    browser_log.assert_clean(live_server.url)


def test_missing_theme_is_reported_on_the_form(page, live_server, users, sign_in, browser_log):
    sign_in(users["agent_td"])
    page.goto(live_server.url + "/visits/new/")
    page.check("input[name=channel][value=walk_in]")
    page.check("input[name=outcome][value=informed]")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(_translated("fr", "Choose at least one theme."))
    expect(page).to_have_url(re.compile(r"/visits/new/$"))
    # An invalid form comes back with status 422, which Chromium logs as a failed load.
    browser_log.assert_clean(live_server.url, expected=r"status of 422 .*/visits/new/\)$")

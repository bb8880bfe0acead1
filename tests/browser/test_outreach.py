"""An awareness session on a small phone: the agent plans it, records it right after with the
people counted by sex and age band, and finds it in the month's calendar."""

import re

import pytest
from playwright.sync_api import expect

from orienta.outreach.models import AwarenessSession, Status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_plan_a_session_record_its_counts_and_see_it_in_the_calendar(
    page, live_server, users, sign_in, browser_log, shot
):
    origin = live_server.url
    sign_in(users["agent_td"])
    # 1. From the menu, the community work calendar; plan a session.
    page.locator("header details.menu > summary").click()
    page.locator("header nav a[href='/outreach/']").click()
    page.wait_for_url(origin + "/outreach/")
    page.locator("a[href='/outreach/sessions/new/']").click()
    page.fill("#id_title", "Causerie au marché de Chagoua")
    page.fill("#id_planned_on", "2026-03-11")
    shot("01-plan")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/outreach/sessions/[0-9a-f-]{36}/$"))
    session = AwarenessSession.objects.get()
    assert session.status == Status.PLANNED
    # 2. Right after the session: the counts, on a 360-px screen.
    page.locator(f"a[href='/outreach/sessions/{session.pk}/counts/']").click()
    page.wait_for_url(re.compile(r"/counts/$"))
    _no_sideways_scroll(page)
    page.fill("#id_held_on", "2026-03-11")
    page.fill("input[name='n-female-15-24-0']", "12")
    page.fill("input[name='n-male-25-35-0']", "7")
    page.fill("input[name='n-female-36-59-1']", "1")
    page.fill("#id_total", "20")
    shot("02-counts")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(f"{origin}/outreach/sessions/{session.pk}/")
    expect(page.locator("main")).to_contain_text("20 personnes comptées")
    _no_sideways_scroll(page)
    shot("03-session")
    session.refresh_from_db()
    assert session.status == Status.HELD
    # 3. The calendar of the month holds it, held, with its count.
    page.goto(f"{origin}/outreach/?month=2026-03")
    card = page.locator("ul.cards li", has_text="Causerie au marché de Chagoua")
    expect(card).to_contain_text("Tenue")
    expect(card).to_contain_text("20 personnes")
    _no_sideways_scroll(page)
    shot("04-calendar")
    browser_log.assert_clean(origin)

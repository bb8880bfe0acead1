"""A case opened from a visit, on a small phone: visit, case form, case, action, worklist."""

import re

import pytest
from playwright.sync_api import expect

from orienta.cases.models import Case
from orienta.cases.queries import site_today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_open_a_case_from_a_visit_and_find_its_action_on_the_worklist(
    page, live_server, users, persons, sign_in, browser_log, shot
):
    origin = live_server.url
    person = persons["person_td"]
    sign_in(users["agent_td"])

    # 1. The visit's outcome is "case to open".
    page.goto(f"{origin}/visits/new/?person={person.pk}")
    page.locator("input[name=themes]").first.check()
    theme_code = page.locator("input[name=themes]").first.get_attribute("value")
    page.check("input[name=channel][value=walk_in]")
    page.check("input[name=outcome][value=case]")
    page.locator("form.stack button[type=submit]").click()

    # 2. Straight to the case form, the visit's theme ticked as a need.
    page.wait_for_url(re.compile(r"/cases/new/\?visit="))
    expect(page.locator("main")).to_contain_text("Achta Mahamat")
    expect(page.locator(f"input[name=needs][value={theme_code}]")).to_be_checked()
    page.check("input[name=risk][value=medium]")
    page.fill("#id_assessment", "Pas d’acte de naissance ; l’école demande le document.")
    shot("01-case-form")
    page.locator("form.stack button[type=submit]").click()

    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    case = Case.objects.get(person=person)
    expect(page.locator("h1")).to_contain_text(case.code)
    assert case.visit is not None and case.visit.outcome == "case"

    # 3. Plan an action due today.
    page.locator("#actions summary").click()
    page.fill("#actions input[name=what]", "Accompagner à l’état civil")
    page.fill("#actions input[name=due_on]", site_today(person.site).isoformat())
    page.locator("#actions form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/#actions$"))
    expect(page.locator("#actions ul.cards")).to_contain_text("Accompagner à l’état civil")
    expect(page.locator("ol.timeline > li")).to_have_count(3)  # opened, started, action
    shot("02-case-page")

    # 4. The worklist shows it among today's actions.
    page.locator("header details.menu > summary").click()  # the menu, behind its button
    page.locator("header nav a[href='/worklist/']").click()
    page.wait_for_url(origin + "/worklist/")
    today = page.locator("#due_today")
    expect(today).to_contain_text("Accompagner à l’état civil")
    expect(today).to_contain_text(case.code)
    shot("03-worklist")
    today.get_by_role("link", name="Accompagner à l’état civil").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/#actions$"))

    browser_log.assert_clean(origin)

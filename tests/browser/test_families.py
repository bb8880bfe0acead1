"""A vulnerable family on a small phone: assess the household, find it on the priority list,
accompany it with a goal, reassess it three months later and see the progress side by side."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from orienta.families.models import Assessment, Enrolment
from orienta.families.tests.factories import BETTER, WORST, make_household, make_instrument

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _answer(page, answers):
    for code, value in answers.items():
        page.check(f"input[name=q_{code}][value={value}]")


def test_assess_list_enrol_plan_reassess_and_see_progress(
    page, live_server, world, users, persons, sign_in, browser_log, shot
):
    origin = live_server.url
    agent = users["agent_td"]
    make_instrument(world["td"], users["me_hq"])
    household = make_household(persons["person_td"], agent)
    sign_in(agent)

    # 1. Assess the household: one question per indicator, options as radio buttons.
    page.goto(f"{origin}/families/{household.pk}/")
    page.locator("p.actions a.button").first.click()
    page.wait_for_url(re.compile(r"/assess/$"))
    _answer(page, WORST)
    page.select_option("#id_respondent", label="Achta Mahamat")
    page.fill("#id_notes", "Visite à domicile : un seul repas hier.")
    shot("01-assessment-form")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/families/{household.pk}/$"))
    expect(page.locator("#progress table.rag td.red").first).to_be_visible()

    # 2. It heads the site's priority list.
    page.goto(f"{origin}/families/")
    first = page.locator("main ul.cards li").first
    expect(first).to_contain_text(household.code)
    expect(first).to_contain_text("Très forte vulnérabilité")
    shot("02-priority-list")

    # 3. Accompany it, with its consent, and plan a goal with the family.
    first.locator("a").first.click()
    page.locator("a.button.secondary").click()
    page.fill("#id_criteria", "Très forte vulnérabilité, mère seule avec trois enfants.")
    page.check("#id_consent")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"#plan$"))
    page.select_option("#plan select[name=dimension]", "food")
    page.fill("#plan input[name=text]", "Deux repas par jour pour tous")
    page.locator("#plan form.stack button[type=submit]").click()
    expect(page.locator("#plan ul.cards")).to_contain_text("Deux repas par jour pour tous")
    assert Enrolment.objects.get().status == "active"

    # 4. Three months later the reassessment is due; the family is better off.
    with time_machine.travel(timezone.now() + timedelta(days=92)):
        sign_in(agent)
        page.goto(f"{origin}/families/")
        expect(page.locator("#due")).to_contain_text(household.code)
        page.goto(f"{origin}/families/{household.pk}/assess/")
        _answer(page, BETTER)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/families/{household.pk}/$"))

        # 5. Progress: the two assessments side by side, from red to better.
        table = page.locator("#progress table.rag")
        expect(table.locator("thead th")).to_have_count(3)
        expect(table).to_contain_text("Très forte vulnérabilité")
        expect(table).to_contain_text("Vulnérabilité modérée")
        shot("03-progress")
        page.set_viewport_size({"width": 1280, "height": 800})
        shot("04-progress-laptop")
    assert Assessment.objects.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    browser_log.assert_clean(origin)

"""Safe entry on a small phone, in French and Portuguese: registering (sex and consent asked,
nothing chosen beforehand), correcting and voiding a visit, the case page's action plan. No page
scrolls sideways at 360 px."""

import re

import pytest
from playwright.sync_api import expect

from orienta.cases.tests.factories import make_case
from orienta.frontdesk.models import Theme, Visit
from orienta.frontdesk.services import visit_record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide"


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_registration_and_visit_corrections_fit_a_small_phone(
    page, live_server, users, persons, sign_in, browser_log, shot, language
):
    origin = live_server.url
    agent = users["agent_td"]
    agent.language = language
    agent.save()
    sign_in(agent)

    # Registration: the sex starts blank, consent is asked with nothing ticked.
    page.goto(f"{origin}/people/new/?q=Hawa+Abakar")
    expect(page.locator("#id_sex")).to_have_value("")
    expect(page.locator("input[name=consent_processing]:checked")).to_have_count(0)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    _fits(page)
    shot(f"{language}-01-register-refused")
    page.select_option("#id_sex", "female")
    page.check("input[name=consent_processing][value=given]")
    page.check("input[name=consent_sharing][value=refused]")
    _fits(page)
    shot(f"{language}-02-register-form")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/visits/new/\?person="))

    # A visit, then its correction and its voiding, from the person page.
    page.locator("input[name=themes]").first.check()
    page.check("input[name=channel][value=walk_in]")
    page.check("input[name=outcome][value=informed]")
    page.fill("#id_notes", "Demande un acte de naissance pour son fils.")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]+/$"))
    page.locator("#visits a[href$='/correct/']").click()
    page.wait_for_url(re.compile(r"/visits/[0-9a-f-]+/correct/$"))
    page.check("input[name=outcome][value=oriented]")
    page.fill("#id_reason", "Orientée vers le centre d’état civil, pas seulement informée.")
    _fits(page)
    shot(f"{language}-03-correct-form")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]+/#visits$"))
    page.locator("#visits details summary").first.click()
    _fits(page)
    shot(f"{language}-04-person-corrected")
    page.locator("#visits a[href$='/void/']").click()
    page.wait_for_url(re.compile(r"/visits/[0-9a-f-]+/void/$"))
    page.fill("#id_reason", "Saisie en double.")
    _fits(page)
    shot(f"{language}-05-void-form")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]+/#visits$"))
    page.locator("#visits > details summary").click()
    _fits(page)
    shot(f"{language}-06-person-voided")
    assert not Visit.objects.current().filter(person__family_name="Abakar").exists()
    browser_log.assert_clean(origin, expected=r"422 \(Unprocessable Entity\)")


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_the_case_page_and_the_anonymous_visit_fit_a_small_phone(
    page, live_server, users, persons, sign_in, browser_log, shot, language
):
    origin = live_server.url
    agent = users["agent_td"]
    agent.language = language
    agent.save()
    case = make_case(persons["person_td"], agent)
    sign_in(agent)

    page.goto(f"{origin}/cases/{case.pk}/")
    page.locator("#actions details summary").click()
    page.fill("#actions input[name=what]", "Accompagner à l’état civil")
    page.fill("#actions input[name=due_on]", "2000-01-03")
    page.locator("#actions form.stack button[type=submit]").click()
    expect(page.locator("#actions .errorlist")).to_be_visible()
    _fits(page)
    shot(f"{language}-01-case-past-date")

    page.goto(f"{origin}/visits/new/")
    expect(page.locator("#id_anonymous_sex")).to_have_value("")
    expect(page.locator("#id_anonymous_age")).to_have_value("")
    anonymous = visit_record(
        site=case.site,
        by=agent,
        data={
            "themes": Theme.objects.all()[:1],
            "channel": "walk_in",
            "outcome": "informed",
            "occurred_at": case.opened_at,
            "anonymous_sex": "male",
            "anonymous_age_band": "15-24",
        },
    )
    page.goto(f"{origin}/day/")
    _fits(page)
    page.locator(f"a[href='/visits/{anonymous.pk}/correct/']").click()
    expect(page.locator("#id_anonymous_sex")).to_have_value("male")
    _fits(page)
    shot(f"{language}-02-correct-anonymous")
    browser_log.assert_clean(origin, expected=r"422 \(Unprocessable Entity\)")

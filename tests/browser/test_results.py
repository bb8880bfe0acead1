"""Results on a small phone: the M&E officer signs in (password, then the code of their phone),
lands on the dashboard, opens an indicator split by sex, where small counts are hidden.
Screenshots of the dashboard in French and Portuguese at 360 px."""

import re
import time

import pytest
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from orienta.core.models import Theme
from orienta.frontdesk.services import visit_record
from orienta.people.services import person_register
from tests.browser.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _tr(text: str, lang: str = "fr") -> str:
    with translation.override(lang):
        return translation.gettext(text)


def _visits(world, users, persons):
    """Today at TD-NDJ1: Achta comes three times, nine more women and two men register once."""
    site, agent = world["sites"]["td"], users["agent_td"]
    health = Theme.objects.filter(code="health")
    people = [persons["person_td"]] * 3
    for i in range(11):
        people.append(
            person_register(
                site=site,
                by=agent,
                data={
                    "given_name": f"Personne{i}",
                    "family_name": "Test",
                    "sex": "male" if i < 2 else "female",
                    "migration_status": "national",
                    "documents": [],
                },
            )
        )
    for person in people:
        data = {
            "occurred_at": timezone.now(),
            "channel": "walk_in",
            "outcome": "informed",
            "themes": health,
            "notes": "",
        }
        visit_record(site=site, by=agent, data=data, person=person)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_me_signs_in_lands_on_the_dashboard_and_opens_an_indicator(
    page, live_server, world, users, persons, browser_log, shot
):
    origin = live_server.url
    _visits(world, users, persons)
    me = users["me_hq"]
    page.goto(origin + "/login/")
    page.fill("#id_username", me.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account/2fa/verify/"))
    page.fill("#id_code", _code(me))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results/$"))
    expect(page.locator("h1")).to_contain_text(_tr("Results"))
    expect(page.locator("svg.chart").first).to_be_visible()
    # 12 persons welcomed (Achta once), 14 visits.
    figures = page.locator(".figures")
    expect(figures).to_contain_text("12")
    expect(figures).to_contain_text("14")
    _no_sideways_scroll(page)
    shot("00-dashboard-fr")

    page.locator('.figures a[href*="/PERSONS_WELCOMED/"]').click()
    page.wait_for_url(re.compile(r"/results/indicators/PERSONS_WELCOMED/"))
    page.select_option("#by1", "sex")
    page.locator("main form button[type=submit]").click()
    table = page.locator("table.list")
    # 10 women shown; the 2 men hidden, and so the women too (12 - 2 would tell), total shown.
    expect(table).to_contain_text("*")
    expect(page.locator(".total")).to_contain_text("12")
    expect(page.locator("main")).not_to_contain_text("Achta")
    expect(page.locator("main")).not_to_contain_text("/records/")
    _no_sideways_scroll(page)
    shot("01-indicator-fr")

    # The same dashboard in Portuguese.
    page.goto(origin + "/results/")
    page.select_option("#language", "pt")
    page.get_by_role("button", name=_tr("Change")).click()
    expect(page.locator("h1")).to_contain_text(_tr("Results", "pt"))
    _no_sideways_scroll(page)
    shot("02-dashboard-pt")
    browser_log.assert_clean(origin)

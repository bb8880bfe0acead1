"""A partner CSO on a small phone: its own staff assess it twice, six months apart, and the
radar chart compares the two assessments; the page reads in Portuguese too."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from orienta.partners import services
from orienta.partners.models import Assessment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _sign_in(page, live_server, user):
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


def _assess(page, statements, score, better=(), shot=None):
    page.locator("#capacity a.button").click()
    page.wait_for_url(re.compile(r"/assess/$"))
    for code in statements:
        page.check(f"input[name=s_{code}][value='{4 if code in better else score}']")
    page.fill("#id_participants", "6")
    if shot is not None:
        shot("00-assessment-form")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/partners/[0-9a-f-]+/#capacity$"))


def test_assess_a_cso_twice_and_compare_on_the_radar(
    page, live_server, world, users, browser_log, shot
):
    origin = live_server.url
    cso, user = world["org_td"], users["cso_td"]
    tool = services.tool_seed()
    statements = [s.code for _a, s in tool.parsed().statements()]
    _sign_in(page, live_server, user)

    # 1. The CSO's own account finds its organisation, and only it, in the list.
    page.goto(f"{origin}/partners/")
    expect(page.locator("main ul.cards li")).to_have_count(1)
    page.locator("main ul.cards li a").first.click()
    expect(page.locator("h1")).to_contain_text("Association Tchad Solidarité")

    # 2. A first assessment, by consensus: everything started (2).
    _assess(page, statements, 2, shot=shot)
    radar = page.locator("#capacity svg.radar")
    expect(radar.locator("polygon.series")).to_have_count(1)
    shot("01-first-assessment")

    # 3. Six months later, a second one: most in place (3), finance fully (4).
    finance = {s.code for s in tool.parsed().area("finance").statements}
    with time_machine.travel(timezone.now() + timedelta(days=183)):
        _sign_in(page, live_server, user)
        page.goto(f"{origin}/partners/{cso.pk}/")
        _assess(page, statements, 3, better=finance)

        # 4. The radar compares the two; the table under it names the areas.
        expect(radar.locator("polygon.series")).to_have_count(2)
        table = page.locator("#capacity table.oca")
        expect(table.locator("thead th")).to_have_count(3)
        expect(table).to_contain_text("Finances et contrôle interne")
        expect(table).to_contain_text("4,00")  # numbers as French writes them
        expect(table).to_contain_text("2,00")
        shot("02-radar-compares-two")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        page.set_viewport_size({"width": 1280, "height": 800})
        shot("03-radar-laptop")

        # 5. In Portuguese.
        user.language = "pt"
        user.save(update_fields=["language"])
        page.reload()
        expect(page.locator("#capacity h2")).to_have_text("Capacidade organizacional")
        expect(table).to_contain_text("Finanças e controlo interno")
        page.set_viewport_size({"width": 360, "height": 640})
        shot("04-radar-portuguese")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    first, second = Assessment.objects.filter(organisation=cso).order_by("assessed_on")
    assert first.average < second.average
    browser_log.assert_clean(origin)

"""The service directory on a small phone: search by theme, open a service, print the directory."""

from datetime import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.core.models import Theme
from orienta.directory.services import permanence_add, service_verify
from orienta.directory.tests.factories import make_service

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_search_by_theme_open_and_print(
    page, live_server, world, users, sign_in, browser_log, shot
):
    civil = Theme.objects.get(code="civil_registration")
    health = Theme.objects.get(code="health")
    registry = make_service(
        world["provider_org"],
        name="Déclaration de naissance",
        amount=Decimal("1000"),
        themes=[civil],
    )
    service_verify(by=users["manager_td"], service=registry)
    permanence_add(
        by=users["manager_td"],
        service=registry,
        site=world["sites"]["td"],
        data={"weekday": 1, "opens_at": time(9), "closes_at": time(12), "free": True},
    )
    make_service(world["provider_org"], name="Consultation prénatale", themes=[health])

    sign_in(users["agent_td"])
    page.goto(live_server.url + "/directory/")
    page.select_option("#id_theme", civil.code)
    page.locator("form.directory-search button[type=submit]").click()
    results = page.locator(".directory-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Déclaration de naissance")
    _no_sideways_scroll(page)
    shot("01-search-by-theme")

    results.first.locator("a").click()
    expect(page.locator("h1")).to_have_text("Déclaration de naissance")
    expect(page.locator(".directory-facts")).to_contain_text("1000 XAF")
    expect(page.locator("body")).to_contain_text("09:00–12:00")
    _no_sideways_scroll(page)
    shot("02-service")

    page.goto(live_server.url + "/directory/")
    page.locator(f"a[href='/directory/print/{world['sites']['td'].code}/']").click()
    expect(page.locator("h1")).to_contain_text("BIOSP Chagoua")
    expect(page.locator(".directory-entry")).to_have_count(2)
    _no_sideways_scroll(page)
    shot("03-printable-directory")
    browser_log.assert_clean(live_server.url)


def _signed_in(page, live_server, user) -> None:
    client = force_login_verified(Client(), user)  # past two-factor, as a manager must be
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


def test_a_manager_adds_a_permanence_shown_on_the_site_page(
    page, live_server, world, users, browser_log, shot
):
    service = make_service(world["provider_org"], name="Consultation prénatale")
    site = world["sites"]["td"]
    _signed_in(page, live_server, users["manager_td"])
    page.goto(f"{live_server.url}/directory/services/{service.pk}/")
    page.locator("details:has(#id_perm-weekday) summary").click()
    page.select_option("#id_perm-site", str(site.pk))
    page.select_option("#id_perm-weekday", "3")
    page.fill("#id_perm-opens_at", "09:00")
    page.fill("#id_perm-closes_at", "08:00")
    page.locator("form:has(#id_perm-weekday) button[type=submit]").click()
    expect(page.locator("form:has(#id_perm-weekday) .errorlist")).to_be_visible()
    _no_sideways_scroll(page)
    shot("01-permanence-refused")
    page.fill("#id_perm-closes_at", "12:00")
    page.locator("form:has(#id_perm-weekday) button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("09:00–12:00")
    page.goto(f"{live_server.url}/sites/{site.code}/")
    panel = page.locator(".directory-panel")
    expect(panel).to_contain_text("Consultation prénatale")
    expect(panel).to_contain_text("09:00–12:00")
    _no_sideways_scroll(page)
    shot("02-site-calendar")
    browser_log.assert_clean(live_server.url, expected=r"status of 422")

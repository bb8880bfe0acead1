"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

They run with ``make test-browser`` (``pytest -m browser``) and use the system Chromium at
/usr/bin/chromium. Pages are opened at 360×640, the screen of a cheap Android phone; full-page
screenshots of each step are written to var/screenshots/.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect, sync_playwright

# The shared people and places live in orienta/conftest.py, which only applies under orienta/.
from orienta.bench.browser import CHROMIUM, CHROMIUM_ARGS, PHONE
from orienta.conftest import (  # noqa: F401
    PASSWORD,
    _fast_password_hashing,
    persons,
    users,
    world,
)

DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TIMEOUT_MS = 10_000
FAVICON_404 = re.compile(r"status of 404 .*/favicon\.ico\)$")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class BrowserLog:
    """What the page asked for and complained about while a test ran."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self, origin: str) -> list[str]:
        return [
            url
            for url in self.requests
            if not (url.startswith(origin + "/") or url.startswith("data:"))
        ]

    def errors(self) -> list[str]:
        # Chromium asks every site for /favicon.ico on its own; its 404 is not a page's error.
        return [e for e in self.console_errors if not FAVICON_404.search(e)]

    def assert_clean(self, origin: str, *, expected: str | None = None) -> None:
        """No foreign request, no error; `expected` matches console lines the test provoked."""
        assert self.requests, "no request was recorded"
        assert self.foreign_requests(origin) == [], "requests left the live server"
        errors = [e for e in self.errors() if not (expected and re.search(expected, e))]
        assert errors == [], "console errors (CSP violations show up here)"
        assert self.page_errors == [], "uncaught JavaScript errors"


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def page(browser, browser_log, live_server):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        timezone_id="Africa/Ndjamena",
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("request", lambda request: browser_log.requests.append(request.url))
    tab.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and browser_log.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")
        ),
    )
    tab.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def shot(page, request):
    """shot("03-search") saves a full-page screenshot named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = re.sub(r"^test_", "", request.node.name)

    def take(step: str, target: Page | None = None) -> Path:
        path = SCREENSHOTS / f"{prefix}--{step}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page, live_server):
    """sign_in(user): open the day page already signed in (the login page has its own test)."""

    def go(user) -> None:
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
        page.goto(live_server.url + "/day/")
        expect(page.locator("#id_q")).to_be_visible()

    return go

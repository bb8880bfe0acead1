"""Results on a small phone: M&E opens the logframe, reads progress against a target, and
downloads the quarter's table (XLSX) and report (PDF); the logframe at 360 px in Portuguese
and French."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from orienta.conftest import force_login_verified
from orienta.reporting.logframe_services import FigureScope, target_set
from orienta.reporting.tests.logframe_fixtures import make_hand_value, make_logframe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in(lang: str, text: str) -> str:
    with translation.override(lang):
        return translation.gettext(text)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _become(page, live_server, user):
    client = force_login_verified(Client(), user)
    page.context.clear_cookies()
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


@pytest.fixture
def figures(world, users):
    hand = make_logframe()["hand"]
    make_hand_value(hand, world["td"], users["coordinator_td"])  # 3 sessions in January
    target_set(
        indicator=hand,
        year=2026,
        scope=FigureScope(world["td"]),
        baseline=None,
        target=Decimal(12),
        by=users["coordinator_td"],
    )
    return hand


def test_me_downloads_the_quarters_table_and_report(
    page, live_server, world, users, figures, browser_log, shot
):
    origin = live_server.url
    me = users["me_hq"]
    me.language = "fr"
    me.save(update_fields=["language"])
    _become(page, live_server, me)

    # The dashboard of the quarter, its downloads at the bottom.
    dashboard = f"{origin}/results/?period=2026-Q1&country=TD"
    page.goto(dashboard)
    _no_sideways_scroll(page)
    shot("00-dashboard")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="(XLSX)").click()
    xlsx = xlsx_download.value
    assert xlsx.suggested_filename == "results-2026-Q1-TD.xlsx"
    with open(xlsx.path(), "rb") as data:
        book = load_workbook(data)
    first_cells = [row[0].value for row in book.active.iter_rows(max_row=4)]
    assert _in("fr", "Period: %(period)s") % {"period": "2026-Q1"} in first_cells
    codes = {row[0].value for row in book.active.iter_rows(min_row=6)}
    assert {"PERSONS_WELCOMED", "VISITS"} <= codes

    page.goto(dashboard)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="FR", exact=True).click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == "results-2026-Q1-TD.fr.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf.path()).pages)
    assert "Période : 2026-Q1" in text and "IND-SESSIONS" in text

    # From the dashboard to the logframe: 3 sessions of the 12 targeted.
    page.goto(dashboard)
    page.get_by_role("link", name=_in("fr", "Logframe: progress against the targets")).click()
    expect(page.locator("h1")).to_have_text(_in("fr", "Logframe"))
    expect(page.locator("main")).to_contain_text("25 %")
    _no_sideways_scroll(page)
    shot("01-logframe")
    browser_log.assert_clean(origin)


@pytest.mark.parametrize("lang", ["pt", "fr"])
def test_the_logframe_fits_a_small_phone(
    page, live_server, world, users, figures, browser_log, shot, lang
):
    coordinator = users["coordinator_td"]
    coordinator.language = lang
    coordinator.save(update_fields=["language"])
    _become(page, live_server, coordinator)
    page.goto(f"{live_server.url}/results/logframe/?year=2026")
    expect(page.locator("h1")).to_have_text(_in(lang, "Logframe"))
    expect(page.get_by_role("link", name=_in(lang, "Set the target")).first).to_be_visible()
    _no_sideways_scroll(page)
    shot(f"logframe-{lang}")
    browser_log.assert_clean(live_server.url)

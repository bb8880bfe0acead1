"""Every page of the access matrix on a 360 × 640 phone, for every role that may open it: no
sideways scrolling, a menu that takes one line (a button that opens it), and touch targets at
least 44 pixels high on the pages used all day.

One test, browser context and tab per role (so the roles spread over the test workers), the tab
reused from page to page. The roles read in different languages (their account's), so French,
Portuguese and English pages are all measured.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from orienta.bench.browser import PHONE
from orienta.conftest import force_login_verified
from tests import matrix
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The language each role reads in, for this test: the three languages on most pages.
LANGUAGE = {
    "anonymous": "pt",
    "agent_td": "fr",
    "agent_td2": "pt",
    "manager_td": "pt",
    "coordinator_td": "fr",
    "agent_mz": "pt",
    "coordinator_mz": "pt",
    "me_hq": "en",
    "admin_user": "en",
    "provider_user": "fr",
}
# At least this many pages each role opens (607 in all when written): the loop reached them.
MIN_PAGES = {"anonymous": 2, "provider_user": 10, "agent_td2": 30} | {
    role: 60 for role in set(matrix.ROLES) - {"anonymous", "provider_user", "agent_td2"}
}
MENU_MAX_HEIGHT = 56  # one line: the bar with the brand and the menu button
TOUCH = 44
# What a finger taps: buttons, the menu, the links that open an item of a list.
TARGETS = (
    "button, .button, .menu > summary, nav a, main summary, .cards li > a, .pager a, "
    "table.rows td > a, .bottom a"
)
MEASURE = f"""(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => [el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''),
              (el.textContent || '').trim().slice(0, 30), el.getBoundingClientRect().height])
  .filter(([tag, text, height]) => height < {TOUCH} - 0.5)"""
# Pages an agent (and a manager, a provider) uses all day: their touch targets are measured.
TOUCH_PAGES = {
    "core:login",
    "frontdesk:day",
    "frontdesk:person",
    "frontdesk:visit_new",
    "people:search",
    "people:register",
    "cases:worklist",
    "cases:detail",
    "referrals:list",
    "referrals:detail",
    "referrals:new",
    "referrals:provider_list",
    "referrals:provider_detail",
    "referrals:confirm",
    "fund:home",
    "fund:request",
    "directory:search",
    "core:sites",
}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate limits (the provider's link) count in memory, for this test only."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _sign_in(role, users) -> Client:
    client = Client()
    if role != "anonymous":
        user = users[role]
        user.language = LANGUAGE[role]
        user.save(update_fields=["language"])
        force_login_verified(client, user)
    return client


def _paths(role, scope):
    """(route, path) of each page of the matrix that the role may open."""
    for page in matrix.pages():
        where = matrix.target(page, role)
        if where is not None:
            yield page.name, page.path(scope[where])


def _static_from_memory(context):
    """The stylesheet and scripts, fetched once and then served from memory: the test measures
    pages, not the live server's static files."""
    kept = {}

    def serve(route):
        url = route.request.url
        if url not in kept:
            response = route.fetch()
            kept[url] = (response.status, response.headers, response.body())
        status, headers, body = kept[url]
        route.fulfill(status=status, headers=headers, body=body)

    context.route("**/static/**", serve)


def _context(browser, live_server, client, role):
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale={"fr": "fr-FR", "pt": "pt-PT", "en": "en-GB"}[LANGUAGE[role]],
    )
    context.set_default_timeout(TIMEOUT_MS)
    _static_from_memory(context)
    if role != "anonymous":
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                    "httpOnly": True,
                }
            ]
        )
    return context


def _open(tab, url):
    try:
        return tab.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None
        raise


def _menu_problems(tab, role) -> list[str]:
    """The closed menu takes one line; opened, its links stand one under the other."""
    problems = []
    height = tab.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
    if height > MENU_MAX_HEIGHT:
        problems.append(f"{role}: the bar is {height:.0f} px high with the menu closed")
    if role == "anonymous":
        return problems
    if not tab.locator("details.menu > summary").count():
        return [*problems, f"{role}: no menu button"]
    tab.click("details.menu > summary")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"layout--menu-{role}.png"))
    links = tab.eval_on_selector_all(
        "nav a", "links => links.map(a => [a.textContent.trim(), a.getBoundingClientRect()])"
    )
    if not links:
        problems.append(f"{role}: the menu has no link")
    for text, box in links:
        if box["height"] < TOUCH - 0.5 or box["right"] > PHONE["width"]:
            problems.append(f"{role}: menu link {text!r} is {box['height']:.0f} px high")
    tab.click("details.menu > summary")
    return problems


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_page_fits_a_small_phone_for_every_role(
    browser, live_server, users, matrix_scope, role
):
    wide, small, seen = [], [], 0
    context = _context(browser, live_server, _sign_in(role, users), role)
    tab = context.new_page()
    for name, path in _paths(role, matrix_scope):
        response = _open(tab, live_server.url + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue  # a file (a slip, a statement, an export), not a page
        seen += 1
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{name} ({role}, {LANGUAGE[role]}): {width} px wide")
        if name in TOUCH_PAGES:
            small += [f"{name} ({role}): {t}" for t in tab.evaluate(MEASURE, TARGETS)]
    tab.goto(live_server.url + ("/" if role != "anonymous" else "/login/"))
    menus = _menu_problems(tab, role)
    context.close()
    assert seen >= MIN_PAGES[role], f"only {seen} pages visited"
    problems = [("pages that scroll sideways at 360 px", wide), ("the menu", menus)]
    problems.append(("touch targets under 44 px", small))
    report = "\n".join(f"{title}:\n  " + "\n  ".join(found) for title, found in problems if found)
    assert not report, report

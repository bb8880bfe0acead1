"""Pages in a real browser on a slow link: Chromium (Playwright), a 360-pixel phone screen,
400 ms of latency and 400 kbit/s each way (DevTools network emulation).

For each page: the time from navigation to the `load` event and to the page's main control
being visible (the search box; the username field on the login page), on a first visit (cache
disabled) and a later one (cache enabled, assets already fetched). Each is the median of a few
runs. No Django here: Playwright's sync API runs an event loop, where the ORM may not.
"""

import statistics
from dataclasses import dataclass

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 640}
SLOW_LINK = {
    "offline": False,
    "latency": 400,  # ms, added to each round trip
    "downloadThroughput": 50_000,  # bytes/s = 400 kbit/s
    "uploadThroughput": 50_000,
}
RUNS = 3
TIMEOUT_MS = 60_000
TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    paint: paint ? paint.startTime : nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0),
  };
}"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    ready: str  # CSS selector of the control the user waits for
    signed_in: bool = True


def measure(base_url: str, username: str, password: str, targets: list[Target]) -> list[dict]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return [_target(browser, base_url, username, password, t) for t in targets]
        finally:
            browser.close()


def _target(browser: Browser, base_url: str, username: str, password: str, target: Target):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        if target.signed_in:
            _sign_in(page, base_url, username, password)
        url = base_url + target.path
        page.goto(url, wait_until="load")  # fast link: the cache now holds the assets
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
        row = {"page": target.name, "path": target.path}
        for visit, cache_disabled in (("first", True), ("later", False)):
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": cache_disabled})
            runs = [_timed(page, url, target.ready) for _n in range(RUNS)]
            row[visit] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        return row
    finally:
        context.close()


def _sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    if "/login/" in page.url:
        raise RuntimeError(f"the browser could not sign in as {username}")


def _timed(page: Page, url: str, ready: str) -> dict:
    """Times from the start of navigation (the browser's own clocks): first contentful paint
    (the page is drawn, its main control with it: CSS blocks rendering until it is there) and
    the end of the `load` event; and the bytes transferred."""
    page.goto(url, wait_until="load")
    page.wait_for_selector(ready, state="visible")
    timings = page.evaluate(TIMINGS)
    return {
        "visible_s": round(timings["paint"] / 1000, 2),
        "load_s": round(timings["load"] / 1000, 2),
        "bytes": timings["bytes"],
    }

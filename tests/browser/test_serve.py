"""`make serve`'s production configuration, as a browser behind a TLS proxy meets it.

deploy/serve (what `make serve` runs) starts gunicorn with deploy/gunicorn.conf.py on a free
port, with a fresh random SECRET_KEY, demo mode set in the shell (the script turns it off), a
SQLite database of the test's own and the production defaults: secure cookies, HTTPS redirect,
HSTS. In front of it, a TLS-terminating proxy as Caddy or nginx is (tests/serving.py: HTTPS
with a self-signed certificate, X-Forwarded-Proto and -For to gunicorn, which trusts them from
the loopback). Chromium signs in as an agent through the sign-in form, searches and opens a
person.
"""

import gzip
import http.client
import re
import ssl
import subprocess
from urllib.parse import urlsplit

import brotli
import pytest
from playwright.sync_api import expect

from orienta.bench.browser import PHONE
from orienta.bench.server import Server, free_port, wait_ready
from tests.serving import ROOT, SERVE, manage, production_env, tls_proxy

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-agent"
TOKEN = "a-confirmation-token-that-must-not-be-logged"
HASHED = re.compile(r"/static/orienta/[\w.-]+\.[0-9a-f]{12}\.(css|js)$")
A_YEAR = 365 * 24 * 3600

# The first office, its agent and a person, as an administrator and the agent would make them.
WORLD = f"""
import datetime
from orienta.core.models import Area, Country, Organisation, Role, Site, User
from orienta.people.services import person_register
td = Country.objects.get(code="TD")
area = Area.objects.create(country=td, level=1, code="TD-ND", name="N'Djamena")
org = Organisation.objects.create(name="Association Tchad Solidarité", kind="cso", country=td)
site = Site.objects.create(code="TD-NDJ1", name="BIOSP Chagoua", country=td, area=area,
                           organisation=org, timezone="Africa/Ndjamena")
agent = User.objects.create_user(username="agent", password="{PASSWORD}", role=Role.AGENT)
agent.sites.set([site])
person_register(site=site, by=agent, data={{
    "given_name": "Achta", "family_name": "Mahamat", "sex": "female",
    "birth_date": datetime.date(1990, 5, 4), "migration_status": "national", "documents": [],
}})
"""


@pytest.fixture
def server(tmp_path):
    """The production configuration, started as `make serve` starts it, and its output."""
    env = production_env(tmp_path, PORT=str(free_port()), ORIENTA_DEMO="1")
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen([str(SERVE)], cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    running = Server(process, f"http://127.0.0.1:{env['PORT']}", access_log=out, error_log=err)
    try:
        wait_ready(running, timeout=240)  # collectstatic and migrate come first
        manage(env, "shell", "-c", WORLD)
        yield running
    finally:
        running.stop()


def _get(base_url: str, path: str, **headers: str):
    """One request, redirects not followed, certificate not checked (the test proxy's own)."""
    host = base_url.split("://")[1]
    if base_url.startswith("https:"):
        tls = ssl._create_unverified_context()
        connection = http.client.HTTPSConnection(host, timeout=30, context=tls)
    else:
        connection = http.client.HTTPConnection(host, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_make_serve_serves_a_journey_with_production_settings(server, browser, tmp_path):
    # Straight to gunicorn over plain HTTP: sent to HTTPS (the health check excepted).
    response = _get(server.base_url, "/login/")
    assert response.status == 301
    assert response.headers["Location"] == server.base_url.replace("http:", "https:") + "/login/"
    assert _get(server.base_url, "/healthz").status == 200

    with tls_proxy(server.base_url.removeprefix("http://"), tmp_path) as origin:
        responses = _journey(browser, origin, tmp_path)
        _assert_static_files(origin, responses)
        _get(origin, f"/r/{TOKEN}/")

    # Every page the browser got: never stored, and HSTS (the proxy said HTTPS).
    pages = [r for r in responses if "text/html" in r.headers.get("content-type", "")]
    assert {urlsplit(r.url).path for r in pages} >= {"/login/", "/worklist/", "/people/"}
    for r in pages:
        assert "no-store" in r.headers["cache-control"], r.url
        assert r.headers["strict-transport-security"].startswith(f"max-age={A_YEAR}")

    # The access log (gunicorn's standard output) holds neither the names searched nor a
    # confirmation link's token.
    server.stop()
    log = server.access_log.read_text()
    assert '"POST /login/" 302' in log
    assert '"GET /people/" 200' in log
    assert '"GET /r/…/" 404' in log
    assert "Achta" not in log and "Mahamat" not in log
    assert TOKEN not in log


def _journey(browser, origin: str, tmp_path) -> list:
    """Sign in through the form (Argon2, CSRF, secure cookies), find and open a person."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="fr-FR", ignore_https_errors=True
    )
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(origin + "/login/")
    expect(page.locator(".hint")).to_have_count(0)  # no demo hints: demo mode is off
    page.fill("#id_username", "agent")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(origin + "/worklist/")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]
    page.goto(origin + "/people/?q=Achta+Mahamat")
    page.locator("#results").get_by_role("link", name="Achta Mahamat").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("Achta Mahamat")
    page.screenshot(path=str(tmp_path / "person.png"), full_page=True)
    context.close()
    return responses


def _assert_static_files(origin: str, responses: list) -> None:
    """Content-hashed names, cached for good, compressed with Brotli (and gzip for the rest)."""
    assets = [r for r in responses if "/static/" in r.url]
    assert {HASHED.search(r.url).group(1) for r in assets} == {"css", "js"}
    for r in assets:
        assert "immutable" in r.headers["cache-control"]
        assert int(re.search(r"max-age=(\d+)", r.headers["cache-control"]).group(1)) >= A_YEAR
        assert r.headers["content-encoding"] == "br"  # what Chromium takes over HTTPS
    path = assets[0].url.removeprefix(origin)
    plain = _get(origin, path).body
    as_gzip = _get(origin, path, **{"Accept-Encoding": "gzip"})
    as_brotli = _get(origin, path, **{"Accept-Encoding": "br"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.body) == plain
    assert brotli.decompress(as_brotli.body) == plain
    assert len(as_brotli.body) < len(as_gzip.body) < len(plain)

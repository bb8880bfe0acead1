"""What a page costs: bytes on the wire (first and later visit), references to other hosts,
and database queries.

The byte and reference functions take a `fetch(path) -> Page` so that the same code measures
the running server over HTTP (the benchmark) and the Django test client (the tests).
"""

import gzip
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orienta.bench import followup_pages, writer
from orienta.core.models import Role, Site, Theme, User
from orienta.core.services import api_token_issue
from orienta.frontdesk.models import Visit
from orienta.frontdesk.queries import day_bounds
from orienta.lib.ids import uuid7
from orienta.people.models import Person

# Targets of issue 6 (compressed bytes).
FIRST_VISIT_BUDGET = 60 * 1024
SCRIPT_BUDGET = 20 * 1024
LATER_VISIT_BUDGET = 15 * 1024

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)['"]""")


@dataclass
class Page:
    status: int
    content_type: str
    wire: bytes  # the body as sent (gzip-compressed when the server compressed it)
    text: str  # the body, decompressed and decoded
    header_bytes: int = 0  # status line and headers, when known (over HTTP)


Fetch = Callable[[str], Page]


class _References(HTMLParser):
    """Every URL a page refers to (src, href, action, srcset, poster, data, inline styles), and
    which of them a browser loads with the page (stylesheets, scripts, images, icons...)."""

    URL_ATTRS = {"src", "href", "action", "formaction", "poster", "data", "srcset"}

    def __init__(self):
        super().__init__()
        self.all: list[str] = []
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name in self.URL_ATTRS and value:
                urls = [u.split()[0] for u in value.split(",")] if name == "srcset" else [value]
                self.all += urls
            if name == "style" and value:
                self.all += CSS_URL.findall(value)
        rel = (values.get("rel") or "").lower().split()
        if tag == "link" and {"stylesheet", "icon", "preload", "manifest"} & set(rel):
            self.loaded.append(values.get("href") or "")
        elif tag in {"script", "img", "iframe", "audio", "video", "source"} and values.get("src"):
            self.loaded.append(values["src"])


def references(html: str) -> tuple[list[str], list[str]]:
    """(every URL the HTML refers to, the URLs a browser loads with it)."""
    parser = _References()
    parser.feed(html)
    return parser.all, [u for u in parser.loaded if u]


def is_other_host(url: str) -> bool:
    """A URL leading to another host: absolute http(s), or protocol-relative `//host`."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _is_inline(url: str) -> bool:
    return url.startswith(("data:", "#", "javascript:", "about:")) or not url


@dataclass
class Weight:
    """Compressed bytes of one page: its HTML, and each asset a first visit also loads."""

    path: str
    status: int
    html: int
    assets: dict[str, int] = field(default_factory=dict)
    scripts: int = 0
    other_hosts: list[str] = field(default_factory=list)
    headers: dict[str, int] = field(default_factory=dict)  # response header bytes, by path

    @property
    def first_visit(self) -> int:
        return self.html + sum(self.assets.values())

    @property
    def later_visit(self) -> int:
        return self.html

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "first_visit": self.first_visit,
            "later_visit": self.later_visit,
            "html": self.html,
            "scripts": self.scripts,
            "assets": self.assets,
            "header_bytes_first_visit": sum(self.headers.values()),
            "header_bytes_later_visit": self.headers.get(self.path, 0),
            "other_hosts": self.other_hosts,
        }


def weigh(fetch: Fetch, path: str) -> Weight:
    """Fetch a page and what a browser loads with it (stylesheets, their fonts and images,
    scripts, icons), the way a first visit does; a later visit has the assets cached."""
    page = fetch(path)
    every, loaded = references(page.text)
    weight = Weight(path, page.status, len(page.wire), headers={path: page.header_bytes})
    weight.other_hosts = [u for u in every if is_other_host(u)]
    pending = [urljoin(path, u) for u in loaded if not _is_inline(u) and not is_other_host(u)]
    while pending:
        asset = pending.pop(0)
        if asset in weight.assets:
            continue
        got = fetch(asset)
        weight.assets[asset] = len(got.wire)
        weight.headers[asset] = got.header_bytes
        if "javascript" in got.content_type or asset.endswith(".js"):
            weight.scripts += len(got.wire)
        if "css" in got.content_type:
            found = CSS_URL.findall(got.text) + CSS_IMPORT.findall(got.text)
            weight.other_hosts += [u for u in found if is_other_host(u)]
            pending += [urljoin(asset, u) for u in found if not _is_inline(u)]
    return weight


# ---------------------------------------------------------------------------------------------
# Database queries per page, at two list sizes: the count must not grow with the list
# ---------------------------------------------------------------------------------------------


def count_queries(client: Client, path: str) -> tuple[int, int]:
    """(HTTP status, number of database queries) of one GET through the whole stack."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured.captured_queries)


EXTRA_VISITS = 60


def _agent_of(site: Site) -> User:
    return User.objects.filter(role=Role.AGENT, sites=site).order_by("username").first()


def _client(user: User | None, token: str = "") -> Client:
    client = Client(headers={"authorization": f"Bearer {token}"} if token else {})
    if user is not None:
        client.force_login(user)
    return client


def _visits_today(site: Site) -> int:
    start, end = day_bounds(site.timezone)
    return (
        Visit.objects.current()
        .filter(site=site, occurred_at__gte=start, occurred_at__lt=end)
        .count()
    )


def _extremes(queryset, field: str) -> tuple[dict, dict]:
    counted = queryset.values(field).annotate(n=Count("pk"))
    return counted.order_by("n", field).first(), counted.order_by("-n", field).first()


@contextmanager
def _lists(site: Site, person_id, agent: User, extra: int):
    """`extra` more visits today at the site, all of one person (so the day page and that
    person's page both grow), with themes; rolled back on leaving. Both list sizes are measured
    inside such a block, so that they count the same transaction statements."""
    themes = list(Theme.objects.values_list("code", flat=True)[:3])
    now = timezone.now()
    visits = [
        {"id": uuid7(), "site_id": site.pk, "person_id": person_id, "agent_id": agent.pk,
         "occurred_at": now - timedelta(minutes=n + 1), "channel": "walk_in",
         "outcome": "informed", "created_by_id": agent.pk, "updated_by_id": agent.pk}
        for n in range(extra)
    ]  # fmt: skip
    with transaction.atomic():
        writer.insert(Visit, visits)
        through = [{"visit_id": v["id"], "theme_id": t} for v in visits for t in themes]
        writer.insert(Visit.themes.through, through)
        yield
        transaction.set_rollback(True)


def _measure(label: str, client: Client, path: str) -> dict:
    status, queries = count_queries(client, path)
    return {"list": label, "path": path, "status": status, "queries": queries}


def query_counts() -> list[dict]:
    """Queries of each page an agent opens, on a short list and a long one: the busiest site's
    day and its busiest person's page as they are, then with EXTRA_VISITS more visits (rolled
    back); the search and the API on the site's rarest and commonest family names."""
    site = max(Site.objects.order_by("code"), key=_visits_today)
    agent = _agent_of(site)
    client, today = _client(agent), _visits_today(site)
    few, many = _extremes(Visit.objects.filter(site=site, person__isnull=False), "person")
    rare, common = _extremes(Person.objects.filter(site=site), "family_name")
    api = _client(None, api_token_issue(user=agent)[0])
    person = f"/people/{many['person']}/"
    api_list = "/api/v1/persons?q=" + quote(common["family_name"]) + "&page_size={}"
    pages = {  # page: (short list, long list), each (label, client, path)
        "login": (("—", Client(), "/login/"),) * 2,
        "day": (
            (f"{today} visits today", client, "/day/"),
            (f"{today + EXTRA_VISITS} visits today", client, "/day/"),
        ),
        "person page": (
            (f"{many['n']} visits", client, person),
            (f"{many['n'] + EXTRA_VISITS} visits", client, person),
        ),
        "search": (
            (f"{rare['n']} found", client, "/people/?q=" + quote(rare["family_name"])),
            (f"{common['n']} found", client, "/people/?q=" + quote(common["family_name"])),
        ),
        "API persons list": (
            ("page of 5", api, api_list.format(5)),
            ("page of 50", api, api_list.format(50)),
        ),
        "register form": (("—", client, "/people/new/"),) * 2,
        "visit form": (
            ("—", client, f"/visits/new/?person={few['person']}"),
            ("—", client, f"/visits/new/?person={many['person']}"),
        ),
    }
    measured = {}
    for size, extra in (("small", 0), ("large", EXTRA_VISITS)):
        with _lists(site, many["person"], agent, extra=extra):
            measured[size] = {
                page: _measure(*specs[size == "large"]) for page, specs in pages.items()
            }
    rows = [
        {"page": page, "small": measured["small"][page], "large": measured["large"][page],
         "constant": measured["small"][page]["queries"] == measured["large"][page]["queries"]}
        for page in pages
    ]  # fmt: skip
    return rows + followup_query_counts()


def followup_query_counts() -> list[dict]:
    """The follow-up pages, each on a short and a long list of the generated set, counted
    inside a transaction rolled back afterwards, as the pages above."""
    clients = followup_pages.Clients()
    specs = followup_pages.specs()
    for pair in specs.values():  # sessions and tokens first: the counts are rolled back
        for spec in pair:
            clients.for_spec(spec)
    rows = []
    for page, (short, long) in specs.items():
        with transaction.atomic():
            small = _measure(short.label, clients.for_spec(short), short.path)
            large = _measure(long.label, clients.for_spec(long), long.path)
            transaction.set_rollback(True)
        rows.append({"page": page, "small": small, "large": large,
                     "constant": small["queries"] == large["queries"]})  # fmt: skip
    return rows


def django_client_fetch(client: Client) -> Fetch:
    """`fetch` over the Django test client, asking for compressed bodies as browsers do."""

    def fetch(path: str) -> Page:
        response = client.get(path, headers={"accept-encoding": "gzip"})
        wire = b"".join(response.streaming_content) if response.streaming else response.content
        body = gzip.decompress(wire) if response.get("Content-Encoding") == "gzip" else wire
        text = body.decode("utf-8", errors="replace")
        return Page(response.status_code, response.get("Content-Type", ""), wire, text)

    return fetch


def session_fetch(session) -> Fetch:
    """`fetch` over HTTP with a `client.Session` (the running server)."""

    def fetch(path: str) -> Page:
        response = session.get(path)
        content_type = response.headers.get("content-type", "")
        return Page(
            response.status, content_type, response.raw, response.text, response.header_bytes
        )

    return fetch

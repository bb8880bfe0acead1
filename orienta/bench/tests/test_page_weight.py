"""Byte budgets of the pages an agent opens all day, on a 2G link (issue 6), and no request to
another host. Compressed sizes are deterministic, so they are asserted, not timed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orienta.bench.pages import (
    FIRST_VISIT_BUDGET,
    LATER_VISIT_BUDGET,
    SCRIPT_BUDGET,
    django_client_fetch,
    is_other_host,
    references,
    weigh,
)
from orienta.cases.tests.factories import make_action, make_case
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.services import visit_record
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def agent_client(login, users, persons):
    """The agent of TD-NDJ1, whose person has a history of visits, some of them today."""
    person = persons["person_td"]
    themes = list(Theme.objects.all()[:3])
    for days in range(8):
        visit_record(
            site=person.site,
            by=users["agent_td"],
            person=person,
            data={
                "themes": themes,
                "channel": "walk_in",
                "outcome": "oriented",
                "notes": "Acte de naissance : pièces à réunir expliquées.",
                "occurred_at": timezone.now() - datetime.timedelta(days=days, minutes=5),
            },
        )
    return login(users["agent_td"])


@pytest.fixture
def followed(agent_client, world, users, persons):
    """A case with an action, a referral and a support-fund request for the agent's person."""
    person, agent = persons["person_td"], users["agent_td"]
    case = make_case(person, agent)
    make_action(case, agent)
    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    referral = make_referral(person, service, agent, case=case)
    make_fund(world["td"], coordinator=users["coordinator_td"], allocations=[(person.site, 10**5)])
    request = make_fund_request(person, agent, referral=referral)
    return {"case": case, "referral": referral, "request": request, "service": service}


def _pages(persons, followed=None) -> dict[str, str]:
    person = persons["person_td"]
    pages = {
        "day": reverse("frontdesk:day"),
        "person": reverse("frontdesk:person", args=[person.pk]),
        "search": reverse("people:search") + "?q=Mahamat",
        "register": reverse("people:register"),
        "visit form": reverse("frontdesk:visit_new") + f"?person={person.pk}",
        "anonymous visit form": reverse("frontdesk:visit_new"),
    }
    if followed:
        pages |= {
            "worklist": reverse("cases:worklist"),
            "case": reverse("cases:detail", args=[followed["case"].pk]),
            "referral": reverse("referrals:detail", args=[followed["referral"].pk]),
            "refer form": reverse("referrals:new") + f"?person={person.pk}",
            "directory": reverse("directory:search"),
            "service": reverse("directory:detail", args=[followed["service"].pk]),
            "fund request": reverse("fund:request", args=[followed["request"].pk]),
            "fund requests": reverse("fund:home"),
        }
    return pages


def _assert_within_budgets(weight) -> None:
    assert weight.status == 200, weight.path
    assert weight.later_visit <= LATER_VISIT_BUDGET, weight.as_dict()
    assert weight.first_visit <= FIRST_VISIT_BUDGET, weight.as_dict()
    assert weight.scripts <= SCRIPT_BUDGET, weight.as_dict()
    assert weight.other_hosts == [], weight.as_dict()


def test_the_login_page_is_within_the_2g_budgets(client):
    weight = weigh(django_client_fetch(client), reverse("accounts:login"))
    _assert_within_budgets(weight)
    assert weight.assets, "the first visit loads the stylesheet and the script"


def test_an_agents_pages_are_within_the_2g_budgets(agent_client, persons, followed):
    fetch = django_client_fetch(agent_client)
    for name, path in _pages(persons, followed).items():
        weight = weigh(fetch, path)
        _assert_within_budgets(weight)
        assert weight.scripts > 0, f"{name}: htmx is measured with the page"


def test_pages_are_sent_compressed(agent_client, persons):
    fetch = django_client_fetch(agent_client)
    page = fetch(_pages(persons)["person"])
    assert len(page.wire) < len(page.text.encode()) / 2


def test_no_page_refers_to_another_host(agent_client, persons, followed, client):
    pages = [(client, reverse("accounts:login"))]
    pages += [(agent_client, path) for path in _pages(persons, followed).values()]
    for who, path in pages:
        html = django_client_fetch(who)(path).text
        every, _loaded = references(html)
        assert every, path  # the parser found the page's links
        assert [u for u in every if is_other_host(u)] == [], path


@pytest.mark.parametrize(
    "url, other",
    [
        ("https://cdn.example.org/htmx.js", True),
        ("http://fonts.example.com/a.woff2", True),
        ("//cdn.example.org/x.css", True),
        ("/static/orienta/orienta.css", False),
        ("?q=Abakar&page=2", False),
        ("data:,", False),
        ("#results", False),
    ],
)
def test_other_hosts_are_recognised(url, other):
    assert is_other_host(url) is other


def test_references_include_what_a_browser_loads():
    html = (
        '<link rel="stylesheet" href="/s.css"><link rel="icon" href="data:,">'
        '<script src="https://cdn.example.org/h.js"></script><img src="/i.png" srcset="/a.png 2x">'
        '<form action="//evil.example/post"></form><div style="background:url(/b.png)"></div>'
    )
    every, loaded = references(html)
    assert loaded == ["/s.css", "data:,", "https://cdn.example.org/h.js", "/i.png"]
    assert {"//evil.example/post", "/b.png", "/a.png"} <= set(every)

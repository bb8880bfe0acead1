"""Byte and query budgets of the pages an agent opens all day (deterministic, so asserted)."""

import datetime
import gzip
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orienta.cases.tests.factories import make_action, make_case
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.services import visit_record
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.people.services import person_register
from orienta.referrals.tests.factories import make_referral

STATIC = Path(settings.BASE_DIR) / "orienta" / "static" / "orienta"


def _busy_day(world, users, n=25):
    site, agent = world["sites"]["td"], users["agent_td"]
    themes = list(Theme.objects.all()[:2])
    for i in range(n):
        person = person_register(
            site=site,
            by=agent,
            data={
                "given_name": f"Personne{chr(65 + i % 26)}",
                "family_name": "Abakar",
                "sex": "male",
                "migration_status": "national",
                "documents": [],
            },
        )
        visit_record(
            site=site,
            by=agent,
            person=person,
            data={
                "themes": themes,
                "channel": "walk_in",
                "outcome": "informed",
                "occurred_at": timezone.now() - datetime.timedelta(minutes=i),
            },
        )


def test_the_stylesheet_stays_small():
    """What a phone downloads once (compressed), and what a person reading it must take in."""
    css = (STATIC / "orienta.css").read_bytes()
    assert len(gzip.compress(css)) <= 3 * 1024
    assert len(css) <= 10 * 1024


def test_scripts_stay_small_once_compressed():
    total = sum(len(gzip.compress(p.read_bytes())) for p in STATIC.glob("*.js"))
    assert total <= 20 * 1024


def test_a_busy_day_page_is_light_and_has_no_n_plus_one(
    login, world, users, django_assert_max_num_queries
):
    _busy_day(world, users)
    client = login(users["agent_td"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("frontdesk:day"), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(response.content) <= 6 * 1024  # 25 visits, compressed


def test_search_results_have_no_n_plus_one(login, world, users, django_assert_max_num_queries):
    _busy_day(world, users)
    client = login(users["agent_td"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:search"), {"q": "Abakar"})
    assert response.text.count("Abakar") >= 20


def _history(person, users, world, visits: int, n: int) -> None:
    """`visits` visits, and `n` each of cases (with an action), referrals and fund requests."""
    agent = users["agent_td"]
    themes = list(Theme.objects.all()[:3])
    for i in range(visits):
        visit_record(
            site=person.site,
            by=agent,
            person=person,
            data={
                "themes": themes,
                "channel": "phone",
                "outcome": "oriented",
                "occurred_at": timezone.now() - datetime.timedelta(days=i),
            },
        )
    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    for _ in range(n):
        case = make_case(person, agent)
        make_action(case, agent)
        referral = make_referral(person, service, agent, case=case)
        make_fund_request(person, agent, referral=referral)


def _person_page_queries(client, person) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("frontdesk:person", args=[person.pk]))
    assert response.status_code == 200
    return len(queries), response.text


def test_person_page_has_no_n_plus_one(login, world, users, persons):
    """The person page, with the sections of cases, referrals and fund requests, makes as many
    queries for a long history as for a short one."""
    person = persons["person_td"]
    make_fund(world["td"], coordinator=users["coordinator_td"], allocations=[(person.site, 10**6)])
    client = login(users["agent_td"])
    _history(person, users, world, visits=1, n=1)
    short, _ = _person_page_queries(client, person)
    _history(person, users, world, visits=9, n=4)
    long, text = _person_page_queries(client, person)
    assert text.count("<time") >= 10
    assert long == short
    assert long <= 30


def test_the_day_page_reads_no_more_for_more_visits_of_either_kind(login, world, users):
    """The day's lines read only what they show: a registered person's name and code, an
    anonymous visitor's sex and age, the links to correct one's own visits; no query for each
    line, whoever reads it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site, agent = world["sites"]["td"], users["agent_td"]

    def anonymous(i):
        data = {
            "themes": list(Theme.objects.all()[:1]),
            "channel": "phone",
            "outcome": "informed",
            "anonymous_sex": "female",
            "anonymous_age": 30 + i,
            "occurred_at": timezone.now() - datetime.timedelta(minutes=40 + i),
        }
        visit_record(site=site, by=agent, person=None, data=data)

    def day(user):
        client = login(user)
        client.get(reverse("frontdesk:day"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("frontdesk:day"))
        return len(ctx), response.content.decode()

    _busy_day(world, users, n=2)
    anonymous(0)
    few = {name: day(users[name])[0] for name in ("agent_td", "manager_td")}
    _busy_day(world, users, n=6)
    for i in range(1, 5):
        anonymous(i)
    for name in ("agent_td", "manager_td"):
        many, page = day(users[name])
        assert many == few[name], name
        # The anonymous visits, the agent's own, may be corrected by them and their manager.
        assert page.count("Abakar") == 8 and page.count("/correct/") == 5, name
        assert all(f"{30 + i}" in page for i in range(5)), name

"""Byte and query budgets of the pages an agent opens all day (deterministic, so asserted)."""

import datetime
import gzip
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from orienta.frontdesk.models import Theme
from orienta.frontdesk.services import visit_record
from orienta.people.services import person_register

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
    assert (STATIC / "orienta.css").stat().st_size <= 8 * 1024


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


def test_person_page_has_no_n_plus_one(login, world, users, persons, django_assert_max_num_queries):
    person = persons["person_td"]
    themes = list(Theme.objects.all()[:3])
    for i in range(10):
        visit_record(
            site=person.site,
            by=users["agent_td"],
            person=person,
            data={
                "themes": themes,
                "channel": "phone",
                "outcome": "oriented",
                "occurred_at": timezone.now() - datetime.timedelta(days=i),
            },
        )
    client = login(users["agent_td"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("frontdesk:person", args=[person.pk]))
    assert response.text.count("<time") == 10

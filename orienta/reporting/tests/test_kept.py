"""Figures kept in the cache: a second request counts nothing, each role's protection still
applies, the page says when its figures were counted, and the scheduled task counts the most
opened dashboards ahead."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orienta.lib.indicators import Period, Scope
from orienta.reporting import engine, tasks
from orienta.reporting.tests.fixtures import at, march, visit

MARCH = Period.parse("2026-03")
TD = Scope(country="TD")


@pytest.fixture
def month(world, users, persons):
    return march(world, users, persons)


@pytest.fixture
def kept(settings):
    settings.ORIENTA_RESULTS_CACHE_SECONDS = 600


def _visit_queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return sum("frontdesk_visit" in q["sql"] for q in captured.captured_queries)


def _total(code="VISITS", period=MARCH, suppress=False):
    return engine.values(code, period, TD, suppress=suppress)


def _one_more(world, users):
    visit(users["agent_td"], world["sites"]["td"], when=at(10), sex="female", age=40)


def test_kept_figures_are_read_back_until_counted_again(kept, month, world, users):
    first = _total()
    assert first.total == 12
    _one_more(world, users)  # a later record: not in the kept figures until they expire
    assert _visit_queries(_total) == 0
    again = _total()
    assert again.total == 12 and again.computed_at == first.computed_at
    with engine.refreshing():
        assert _total().total == 13
    assert _total().total == 13


def test_without_keeping_every_request_counts(month, world, users):
    assert _total().total == 12
    _one_more(world, users)
    assert _visit_queries(_total) > 0
    assert _total().total == 13


def test_kept_figures_are_protected_for_each_role(kept, month):
    split = engine.values("PERSONS_WELCOMED", MARCH, TD, ("sex",), suppress=False)
    assert {c.key["sex"]: c.value for c in split.cells} == {"female": 4, "male": 2}
    # The same kept rows for a role that may not see persons: the small cells are hidden.
    hidden = engine.values("PERSONS_WELCOMED", MARCH, TD, ("sex",), suppress=True)
    assert all(c.value is None for c in hidden.cells)


def test_the_task_counts_the_dashboards_ahead(kept, world, users, persons):
    now = timezone.now()
    visit(users["agent_td"], world["sites"]["td"], when=now, person=persons["person_td"])
    year = tasks.periods(timezone.localdate(now))[0]
    assert "dashboards counted ahead" in tasks.run(now)
    assert _visit_queries(lambda: _total("PERSONS_WELCOMED", year)) == 0
    assert _total("PERSONS_WELCOMED", year).total == 1


def test_the_task_periods():
    assert [p.code for p in tasks.periods(date(2026, 2, 10))] == ["2026", "2026-Q1", "2025-Q4"]
    assert [p.code for p in tasks.periods(date(2026, 8, 1))] == ["2026", "2026-Q3", "2026-Q2"]


def test_the_task_does_nothing_when_figures_are_not_kept(db):
    assert "off" in tasks.run(timezone.now())


def test_the_dashboard_says_when_its_figures_were_counted(kept, login, users, month):
    client = login(users["coordinator_td"])
    page = client.get("/results/?period=2026-03").content.decode()
    assert "records made since then are not in them yet" in page
    assert _visit_queries(lambda: client.get("/results/?period=2026-03")) == 0


def test_the_dashboard_says_nothing_of_it_when_not_kept(login, users, month):
    client = login(users["coordinator_td"])
    assert "records made since then" not in client.get("/results/?period=2026-03").content.decode()


def test_a_closed_period_is_kept_a_day_and_recounted_by_the_task_after_six_hours(
    kept, world, users, persons, clock
):
    from datetime import timedelta

    now = timezone.now()
    today = timezone.localdate(now)
    previous = tasks.periods(today)[2]
    assert engine.is_closed(previous) and not engine.is_closed(tasks.periods(today)[1])
    assert engine.cache_seconds(previous) == engine.CLOSED_PERIOD_SECONDS
    assert engine.cache_seconds(tasks.periods(today)[1]) == 600
    first = tasks.run(now)
    assert first.startswith("results: 12 dashboards counted ahead, 0 kept")
    # A quarter of an hour later: the running periods are counted again, the closed one kept.
    assert tasks.run(now + timedelta(minutes=15)).endswith(", 4 kept as counted")
    clock.shift(timedelta(hours=7))
    assert tasks.run(timezone.now()).endswith(", 0 kept as counted")


def test_the_cache_holds_every_dashboard_the_task_counts():
    """Twelve dashboards of some forty tables each: more than Django's default 300 entries."""
    from orienta import settings as project
    from orienta.lib.indicators import all_indicators

    tables = len(all_indicators()) * 2 + 12 + 3
    assert project.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"] >= 12 * tables * 2

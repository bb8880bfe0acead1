"""Persons welcomed and visits, counted by hand (see fixtures.py)."""

import pytest

from orienta.lib.indicators import Period, Scope
from orienta.reporting import engine
from orienta.reporting.tests.fixtures import march

MARCH = Period.parse("2026-03")
TD = Scope(country="TD")


@pytest.fixture
def month(world, users, persons):
    return march(world, users, persons)


def split(code, *by, scope=TD, period=MARCH, **kw):
    table = engine.values(code, period, scope, by, suppress=False, **kw)
    return table.total, {tuple(c.key[d] for d in by): c.value for c in table.cells}


def test_persons_are_counted_once_merged_once_erased_still_and_voided_visits_not(month):
    assert split("PERSONS_WELCOMED")[0] == 6
    assert split("VISITS")[0] == 12


def test_persons_welcomed_by_sex_age_band_and_disability(month):
    assert split("PERSONS_WELCOMED", "sex") == (6, {("female",): 4, ("male",): 2})
    assert split("PERSONS_WELCOMED", "age_band") == (
        6,
        {("25-35",): 3, ("15-24",): 1, ("60+",): 1, ("25-59",): 1},
    )
    assert split("PERSONS_WELCOMED", "disability") == (6, {("disability",): 1, ("unknown",): 5})

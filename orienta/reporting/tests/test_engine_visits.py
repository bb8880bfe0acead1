"""Persons welcomed and visits, counted by hand (see fixtures.py)."""

from decimal import Decimal

import pytest

from orienta.lib.indicators import AgeBands, Period, Scope
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


def test_persons_welcomed_by_migration_status_place_theme_channel_and_outcome(month):
    assert split("PERSONS_WELCOMED", "migration_status")[1] == {
        ("national",): 3,
        ("refugee",): 1,
        ("unknown",): 2,
    }
    assert split("PERSONS_WELCOMED", "site")[1] == {("TD-NDJ1",): 6}
    assert split("PERSONS_WELCOMED", "country", scope=Scope()) == (
        7,
        {("MZ",): 1, ("TD",): 6},
    )
    # Achta's visits were about health and employment: she is in both, once in the total.
    assert split("PERSONS_WELCOMED", "theme")[1] == {("employment",): 1, ("health",): 6}
    assert split("PERSONS_WELCOMED", "channel")[1] == {("phone",): 1, ("walk_in",): 5}
    assert split("PERSONS_WELCOMED", "outcome")[1] == {("informed",): 6}


def test_visits_by_theme_channel_and_two_dimensions(month):
    assert split("VISITS", "theme")[1] == {("employment",): 5, ("health",): 12}
    assert split("VISITS", "channel") == (12, {("phone",): 1, ("walk_in",): 11})
    assert split("VISITS", "sex", "disability")[1] == {
        ("female", "unknown"): 10,
        ("male", "disability"): 1,
        ("male", "unknown"): 1,
    }


def test_age_bands_are_chosen_per_request_old_anonymous_bands_kept(month):
    bands = AgeBands.parse("0-17,18-59,60+")
    assert split("PERSONS_WELCOMED", "age_band", age_bands=bands)[1] == {
        ("0-17",): 1,
        ("18-59",): 3,
        ("60+",): 1,
        ("25-59",): 1,
    }


def test_totals_equal_the_sum_of_the_cells_of_a_partition(month):
    for code in ("PERSONS_WELCOMED", "VISITS"):
        for dim in ("sex", "age_band", "disability", "migration_status", "site", "channel"):
            total, cells = split(code, dim)
            assert total == sum(cells.values()), (code, dim)


def test_women_and_youth_shares(month):
    assert split("WOMEN_SHARE") == (Decimal("0.6667"), {})
    assert split("WOMEN_SHARE", "disability")[1] == {
        ("disability",): Decimal("0.0000"),
        ("unknown",): Decimal("0.8000"),
    }
    # Young (15 to 35 on 31 March): Achta (35), Brahim (16), Hawa (25), the woman of 30; not
    # Zara (66) nor the man recorded in the old 25-59 band.
    assert split("YOUTH_SHARE") == (Decimal("0.6667"), {})
    assert split("YOUTH_SHARE", "sex")[1] == {
        ("female",): Decimal("0.7500"),
        ("male",): Decimal("0.5000"),
    }


def test_the_trend_gives_each_month(month):
    points = engine.trend("VISITS", Period.parse("2026-Q1"), TD, suppress=False)
    assert [(p.code, v) for p, v, _hidden in points] == [
        ("2026-01", 0),
        ("2026-02", 1),
        ("2026-03", 12),
    ]

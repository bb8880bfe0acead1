"""Small counts: primary and secondary suppression on tables made by hand."""

import pytest

from orienta.lib import indicators as lib
from orienta.lib.indicators import Indicator, Period, Row, Scope, Unit
from orienta.reporting import engine

PERIOD = Period.parse("2026-Q1")


def _install(rows_by_query):
    def compute(query):
        return [Row(key, n, n) for key, n in rows_by_query[query.by].items()]

    indicator = Indicator(
        code="TEST_TABLE",
        name="Test",
        definition="Test",
        unit=Unit.PERSONS,
        direction="up",
        dimensions=("sex", "age_band", "site"),
        compute=compute,
    )
    lib._indicators[indicator.code] = indicator
    return indicator


@pytest.fixture
def table(request):
    yield lambda rows, *by, threshold=None: (
        _install(rows),
        engine.values("TEST_TABLE", PERIOD, Scope(), by, suppress=True, threshold=threshold),
    )[1]
    lib._indicators.pop("TEST_TABLE", None)


def shown(t):
    return {tuple(c.key.values()): c.value for c in t.cells}


def test_one_small_cell_hides_the_next_smallest_so_the_total_does_not_reveal_it(table):
    t = table({(): {(): 60}, ("site",): {("A",): 3, ("B",): 20, ("C",): 37}}, "site")
    assert t.total == 60 and not t.total_suppressed
    assert shown(t) == {("A",): None, ("B",): None, ("C",): 37}
    assert [c.suppressed for c in t.cells] == [True, True, False]


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not(table):
    t = table({(): {(): 19}, ("site",): {("A",): 4, ("B",): 1, ("C",): 5, ("D",): 9}}, "site")
    assert shown(t) == {("A",): None, ("B",): None, ("C",): 5, ("D",): 9}


def test_a_small_total_hides_everything(table):
    t = table({(): {(): 3}, ("site",): {("A",): 2, ("B",): 1}}, "site")
    assert t.total is None and t.total_suppressed
    assert all(c.suppressed for c in t.cells)


def test_when_no_other_cell_can_hide_it_the_total_is_hidden(table):
    t = table({(): {(): 2}, ("site",): {("A",): 2}}, "site")
    assert t.total_suppressed


def test_two_way_table_rows_and_columns_never_hold_a_single_hidden_cell(table):
    rows = {
        (): {(): 100},
        ("sex", "site"): {
            ("female", "A"): 2,
            ("female", "B"): 30,
            ("female", "C"): 20,
            ("male", "A"): 12,
            ("male", "B"): 16,
            ("male", "C"): 20,
        },
    }
    t = table(rows, "sex", "site")
    hidden = {k for k, v in shown(t).items() if v is None}
    assert ("female", "A") in hidden
    for sex in ("female", "male"):
        assert len([k for k in hidden if k[0] == sex]) != 1
    for site in "ABC":
        assert len([k for k in hidden if k[1] == site]) != 1
    # Male A balances column A, female C row "female", male C both row "male" and column C.
    assert hidden == {("female", "A"), ("male", "A"), ("female", "C"), ("male", "C")}


def test_the_threshold_is_configurable(table, settings):
    settings.ORIENTA_SUPPRESSION_THRESHOLD = 3
    rows = {(): {(): 30}, ("site",): {("A",): 3, ("B",): 2, ("C",): 25}}
    assert shown(table(rows, "site")) == {("A",): None, ("B",): None, ("C",): 25}
    assert shown(table(rows, "site", threshold=2)) == {("A",): 3, ("B",): 2, ("C",): 25}


def test_without_suppression_every_figure_is_shown(table):
    _install({(): {(): 5}, ("site",): {("A",): 1, ("B",): 4}})
    t = engine.values("TEST_TABLE", PERIOD, Scope(), ("site",), suppress=False)
    assert t.total == 5 and [c.value for c in t.cells] == [1, 4]
    assert sum(c.value for c in t.cells) == t.total

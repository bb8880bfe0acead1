"""A diagnostic's tables: respondents by area, sex and age band, small counts hidden as the
results engine hides them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from orienta.lib.indicators import AgeBands, Indicator, Period, Scope, Unit
from orienta.networks.diagnostics import Figure, Respondent, protect, study_tables, tables
from orienta.networks.tests.factories import csv_data, make_study
from orienta.reporting import engine

BANDS = AgeBands.parse("0-17,18-34,35+")
AREAS = [("A", "Area A"), ("B", "Area B")]


def _values(table):
    return {key: figure.value for key, figure in table.cells.items()}


def test_tables_count_respondents_by_area_sex_and_age_band(settings):
    settings.ORIENTA_SUPPRESSION_THRESHOLD = 1  # nothing hidden
    people = (
        [Respondent("A", "female", "18-34")] * 6
        + [Respondent("A", "male", "35+")] * 2
        + [Respondent("B", "female", "0-17")] * 3
    )
    by_sex, by_band, band_sex = tables(people, AREAS, BANDS)
    assert _values(by_sex) == {
        ("A", "female"): 6,
        ("A", "male"): 2,
        ("B", "female"): 3,
        ("B", "male"): 0,
    }
    assert by_band.cells[("A", "18-34")].n == 6 and by_band.cells[("B", "0-17")].n == 3
    assert band_sex.cells[("35+", "male")].n == 2
    assert by_sex.row_totals["A"].n == 8 and by_sex.column_totals["female"].n == 9
    assert by_sex.total.n == 11


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_totals(settings):
    settings.ORIENTA_SUPPRESSION_THRESHOLD = 5
    people = (
        [Respondent("A", "female", "18-34")] * 20
        + [Respondent("A", "male", "18-34")] * 2
        + [Respondent("B", "female", "18-34")] * 9
        + [Respondent("B", "male", "18-34")] * 7
    )
    by_sex = tables(people, AREAS, BANDS)[0]
    assert by_sex.cells[("A", "male")].hidden  # 2: primary
    assert by_sex.cells[("B", "male")].hidden  # secondary: the male column's other figure
    assert by_sex.cells[("A", "female")].hidden  # secondary: area A's other figure
    assert by_sex.cells[("B", "female")].hidden  # and so the female column's too
    assert by_sex.row_totals["A"].value == 22 and by_sex.column_totals["male"].value == 9


def _engine_hidden(cells, total, threshold):
    """The results engine's own suppression of the same figures."""
    indicator = Indicator("X", "x", "x", Unit.PERSONS, "up", ("a", "b"), lambda q: [])
    table = engine.Table(
        indicator=indicator,
        period=Period.parse("2026"),
        scope=Scope(),
        by=("a", "b"),
        total=total,
        total_suppressed=False,
        cells=[engine.Cell({"a": a, "b": b}, n, n=n) for (a, b), n in cells.items()],
    )
    engine.protect(table, total, threshold)
    return {(c.key["a"], c.key["b"]): c.suppressed for c in table.cells}, table.total_suppressed


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("xyz"), st.sampled_from("pq")),
        st.integers(min_value=0, max_value=12),
        min_size=1,
    )
)
def test_suppression_hides_what_the_results_engine_hides(counts):
    figures = {key: Figure(n) for key, n in counts.items()}
    total = Figure(sum(counts.values()))
    protect(dict(figures), total, 5)
    expected, total_hidden = _engine_hidden(counts, sum(counts.values()), 5)
    assert {key: f.hidden for key, f in figures.items()} == expected
    assert total.hidden == total_hidden


def test_a_study_page_shows_its_tables_with_the_small_counts_hidden(client, world, users):
    study = make_study(
        users["coordinator_td"], world["td"], world["area_td"], data=csv_data(["TD-ND"], lines=8)
    )
    found = study_tables(study)
    assert [t.total.n for t in found] == [8, 8, 8]
    client.force_login(users["agent_td"])
    page = client.get(f"/diagnostics/{study.pk}/").text
    assert "Respondents by area and sex" in page and "N&#x27;Djamena" in page
    assert "Hidden: too few respondents" in page

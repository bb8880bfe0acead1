"""The bench's results stage on the hand-counted month of the reporting tests."""

from orienta.bench import report
from orienta.bench.results import measure
from orienta.reporting.tests.fixtures import march


def test_the_results_stage_times_the_country_year_dashboard(world, users, persons, settings):
    settings.ORIENTA_RESULTS_CACHE_SECONDS = 600
    march(world, users, persons)
    found = measure(repeat=2)
    assert (found["country"], found["period"], found["persons_welcomed"]) == ("TD", "2026", 6)
    assert found["ms"]["p50"] > 0 and found["counted_ms"]["p50"] > 0
    # Kept figures: only the page's own queries (the choosable sites and countries) are left.
    assert 0 < found["queries"] < 10 < found["counted_queries"]
    assert "dashboards counted ahead" in found["task"]
    text = report._results({"results": found})
    assert "## Results dashboard" in text and "| 6 |" in text

"""Both scoring rules against results computed by hand, and versions that never rewrite results.

The instrument of factories.py: food (weight 2) = meals (1) + diet (1); housing (weight 1) =
water (3) + roof (1). Cut-offs: moderate 25, high 50, very high 75; amber from 34, red from 67.
"""

from decimal import Decimal

import pytest

from orienta.families import scoring, services
from orienta.families.models import Assessment, Instrument
from orienta.families.tests.factories import BETTER, WORST, definition


def _score(rule, answers, **changes):
    return scoring.score(scoring.parse(definition(rule, **changes)), answers)


def test_weighted_score_by_hand():
    # meals two = 50, diet no = 100: food = (50 + 100) / 2 = 75 (red).
    # water yes = 0, roof no = 100: housing = (3×0 + 1×100) / 4 = 25 (green).
    # Household: (2×75 + 1×25) / 3 = 175 / 3 = 58.33… → 58.3: high (≥ 50, < 75).
    result = _score("weighted", {"meals": "two", "diet": "no", "water": "yes", "roof": "no"})
    assert result.score == Decimal("58.3")
    assert result.category == "high"
    assert [(d.code, d.score, d.level) for d in result.dimensions] == [
        ("food", Decimal("75.0"), "red"),
        ("housing", Decimal("25.0"), "green"),
    ]


def test_weighted_score_rounds_half_up_and_reaches_the_cut_off():
    # food = (0 + 100)/2 = 50; housing = (3×100 + 0)/4 = 75; (2×50 + 75)/3 = 58.33 → high.
    # Only the roof: housing 25; (0 + 25)/3 = 8.33 → 8.3, low.
    only_roof = _score("weighted", {"meals": "three", "diet": "yes", "water": "yes", "roof": "no"})
    assert (only_roof.score, only_roof.category) == (Decimal("8.3"), "low")
    worst = _score("weighted", WORST)
    assert (worst.score, worst.category) == (Decimal("100.0"), "very_high")


def test_counting_rule_by_hand():
    # Deprived (score ≥ 50): meals (two = 50), diet, roof; not water.
    # Shares: meals 2/3 × 1/2 = 1/3, diet 1/3, water 1/3 × 3/4 = 1/4, roof 1/3 × 1/4 = 1/12.
    # c = 1/3 + 1/3 + 1/12 = 3/4 ≥ k = 0.4: score 75.0, very high.
    # Food: both deprived = 100 (red); housing: roof only, 1/4 = 25 (green).
    result = _score("counting", {"meals": "two", "diet": "no", "water": "yes", "roof": "no"})
    assert result.score == Decimal("75.0")
    assert result.category == "very_high"
    assert [(d.code, d.score, d.level, d.deprived) for d in result.dimensions] == [
        ("food", Decimal("100.0"), "red", ("meals", "diet")),
        ("housing", Decimal("25.0"), "green", ("roof",)),
    ]


def test_counting_rule_below_k_is_the_lowest_category_whatever_the_cut_offs():
    # Meals only: c = 1/3 = 33.3, above the moderate cut-off (25) but below k = 0.4: low.
    answers = {"meals": "one", "diet": "yes", "water": "yes", "roof": "yes"}
    below = _score("counting", answers)
    assert (below.score, below.category) == (Decimal("33.3"), "low")
    # With k = 0.3 the same answers count: moderate.
    above = _score("counting", answers, k="0.3")
    assert (above.score, above.category) == (Decimal("33.3"), "moderate")


def test_counting_rule_uses_each_indicators_deprivation_cut_off():
    # Meals "two" scores 50: deprived at the default cut-off of 50, not when it is 60.
    strict = definition("counting")
    strict["dimensions"][0]["indicators"][0]["deprived_from"] = 60
    answers = {"meals": "two", "diet": "yes", "water": "yes", "roof": "yes"}
    assert scoring.score(scoring.parse(definition("counting")), answers).score == Decimal("33.3")
    assert scoring.score(scoring.parse(strict), answers).score == Decimal("0.0")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"rule": "median"}, "rule"),
        ({"cutoffs": {"high": 50, "moderate": 60}}, "cutoffs"),
        ({"dimensions": []}, "dimensions"),
        ({"k": "2"}, "k"),
        ({"red_from": 20}, "red_from"),
    ],
)
def test_a_bad_definition_is_refused_with_where(change, where):
    bad = definition() | change
    with pytest.raises(scoring.DefinitionError, match=where):
        scoring.parse(bad)


def test_an_option_score_outside_0_to_100_is_refused():
    bad = definition()
    bad["dimensions"][0]["indicators"][1]["options"][1]["score"] = 150
    with pytest.raises(scoring.DefinitionError, match="diet"):
        scoring.parse(bad)


def test_duplicate_indicator_codes_are_refused():
    bad = definition()
    bad["dimensions"][1]["indicators"][1]["code"] = "meals"
    with pytest.raises(scoring.DefinitionError, match="indicators"):
        scoring.parse(bad)


def test_a_change_makes_a_new_version_and_old_results_stay(instrument_td, household_td, users):
    agent = users["agent_td"]
    old = services.assessment_record(
        household=household_td, instrument=instrument_td, answers=BETTER, by=agent
    )
    # 50 for "two" meals: food = 25, housing = 25 → 25.0 moderate.
    assert (old.score, old.category) == (Decimal("25.0"), "moderate")
    changed = definition()
    changed["dimensions"][0]["indicators"][0]["options"][1]["score"] = 100
    new = services.instrument_revise(
        instrument=instrument_td, name="Vulnérabilité", definition=changed, by=users["me_hq"]
    )
    assert (new.code, new.revision, new.retired_at) == (instrument_td.code, 2, None)
    instrument_td.refresh_from_db()
    assert instrument_td.retired_at is not None
    old.refresh_from_db()
    assert (old.instrument_id, old.score, old.category) == (
        instrument_td.pk,
        Decimal("25.0"),
        "moderate",
    )
    assert old.instrument.definition["dimensions"][0]["indicators"][0]["options"][1]["score"] == 50
    again = services.assessment_record(
        household=household_td, instrument=new, answers=BETTER, by=agent
    )
    # food = (100 + 0)/2 = 50; (2×50 + 25)/3 = 41.7 moderate.
    assert (again.score, again.category) == (Decimal("41.7"), "moderate")
    with pytest.raises(services.FamilyRefused):
        services.assessment_record(
            household=household_td, instrument=instrument_td, answers=BETTER, by=agent
        )
    assert Assessment.objects.count() == 2
    assert Instrument.objects.filter(code=instrument_td.code).count() == 2


def test_an_unchanged_instrument_saves_no_version(instrument_td, users):
    with pytest.raises(services.InstrumentUnchanged):
        services.instrument_revise(
            instrument=instrument_td,
            name=instrument_td.name,
            definition=instrument_td.definition,
            by=users["me_hq"],
        )
    assert Instrument.objects.count() == 1


@pytest.mark.parametrize("role", ["agent_td", "manager_td", "coordinator_td"])
def test_only_headquarters_and_administrators_edit_instruments(instrument_td, users, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.instrument_revise(
            instrument=instrument_td, name="x", definition=definition(), by=users[role]
        )

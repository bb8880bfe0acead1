"""The families' indicators, counted by hand on a few households."""

from datetime import date, timedelta

import pytest

from orienta.families import services
from orienta.families.tests.factories import BETTER, WORST, make_household
from orienta.lib.indicators import Period, Scope
from orienta.people.services import household_add_member, person_register
from orienta.reporting.engine import values


def _figures(code, period, by=()):
    table = values(code, Period.parse(period), Scope(), by, suppress=False)
    return table.total, {tuple(c.key.values()): c.value for c in table.cells}


@pytest.fixture
def families(world, users, persons, instrument_td, clock):
    agent = users["agent_td"]
    site = world["sites"]["td"]
    man = person_register(
        site=site,
        by=agent,
        data={
            "sex": "male",
            "migration_status": "national",
            "documents": [],
            "given_name": "Abakar",
            "family_name": "Issa",
        },
    )
    wife = person_register(
        site=site,
        by=agent,
        data={
            "sex": "female",
            "migration_status": "national",
            "documents": [],
            "given_name": "Fatimé",
            "family_name": "Issa",
        },
    )
    alone = make_household(persons["person_td"], agent)  # a woman alone: size 1
    couple = make_household(man, agent)
    household_add_member(household=couple, person=wife, relationship="spouse", by=agent)
    march = date(2026, 3, 2)
    for household, answers in ((alone, WORST), (couple, WORST)):
        services.assessment_record(
            household=household,
            instrument=instrument_td,
            answers=answers,
            by=agent,
            assessed_on=march,
        )
    services.enrolment_open(household=alone, by=agent, criteria="Très vulnérable", consent=True)
    enrolment = services.enrolment_open(
        household=couple, by=agent, criteria="Très vulnérable", consent=True
    )
    clock.shift(timedelta(days=95))  # June
    services.assessment_record(household=alone, instrument=instrument_td, answers=BETTER, by=agent)
    services.assessment_record(household=couple, instrument=instrument_td, answers=WORST, by=agent)
    services.enrolment_exit(enrolment=enrolment, reason="graduated", by=agent)
    return alone, couple


def test_households_assessed_by_category_and_head_sex(families):
    total, cells = _figures("FAMILIES_ASSESSED", "2026-03", ["vulnerability", "sex"])
    assert total == 2
    assert cells == {("very_high", "female"): 1, ("very_high", "male"): 1}
    # In Q2 each counts once, in its latest category.
    total, cells = _figures("FAMILIES_ASSESSED", "2026-Q2", ["vulnerability"])
    assert total == 2
    assert cells == {("moderate",): 1, ("very_high",): 1}


def test_households_improved_accompanied_graduated(families):
    total, cells = _figures("FAMILIES_IMPROVED", "2026-Q2", ["sex", "household_size"])
    assert (total, cells) == (1, {("female", "1"): 1})
    assert _figures("FAMILIES_IMPROVED", "2026-Q1")[0] == 0
    total, cells = _figures("FAMILIES_ACCOMPANIED", "2026-Q2", ["household_size"])
    assert (total, cells) == (2, {("1",): 1, ("2-3",): 1})
    total, cells = _figures("FAMILIES_GRADUATED", "2026-Q2", ["sex"])
    assert (total, cells) == (1, {("male",): 1})
    assert _figures("FAMILIES_GRADUATED", "2026-Q1")[0] == 0

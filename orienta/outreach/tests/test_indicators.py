"""Community work's figures in the results engine: counts summed, split, suppressed."""

import datetime

from orienta.frontdesk.services import visit_record
from orienta.lib.indicators import AgeBands, Period, Scope
from orienta.outreach.indicators import rebanded
from orienta.outreach.services import (
    Place,
    SessionDetails,
    activity_cancel,
    fair_outcome_record,
    fair_visit_link,
    participant_add,
    participant_score,
    session_describe,
)
from orienta.outreach.tests.factories import (
    MORNING_DAY,
    make_fair,
    make_session,
    make_training,
)
from orienta.reporting.display import labels
from orienta.reporting.engine import values

MARCH = Period.parse("2026-03")
TD = Scope(country="TD")


def _cells(table):
    return {tuple(c.key.values()): (None if c.suppressed else c.value) for c in table.cells}


def test_persons_reached_add_up_by_sex_age_band_and_disability(users, world):
    make_session(users["agent_td"], world["sites"]["td"])  # 12 women 15-24, 3 men 25-35 (WD)
    make_session(users["agent_td"], world["sites"]["td"], rows=[("female", "15-24", False, 5)])
    make_session(users["agent_mz"], world["sites"]["mz"])
    make_session(users["agent_td"], world["sites"]["td"], held=False)  # planned: not counted
    table = values("OUTREACH_PERSONS_REACHED", MARCH, TD, ["sex"], suppress=False)
    assert table.total == 20
    assert _cells(table) == {("female",): 17, ("male",): 3}
    bands = values(
        "OUTREACH_PERSONS_REACHED", MARCH, TD, ["age_band", "disability"], suppress=False
    )
    assert _cells(bands) == {("15-24", "none"): 17, ("25-35", "disability"): 3}
    assert values("OUTREACH_SESSIONS_HELD", MARCH, TD, suppress=False).total == 2


def test_small_counts_are_suppressed_for_those_who_read_aggregates(users, world):
    make_session(users["agent_td"], world["sites"]["td"])
    table = values("OUTREACH_PERSONS_REACHED", MARCH, TD, ["sex"], suppress=True)
    assert _cells(table)[("male",)] is None


def test_persons_reached_by_theme(users, world):
    session = make_session(users["agent_td"], world["sites"]["td"])
    session_describe(
        session=session,
        place=Place(title="Causerie"),
        details=SessionDetails(themes=["gbv"], topics=["gender_equality"]),
        by=users["agent_td"],
    )
    table = values("OUTREACH_PERSONS_REACHED", MARCH, TD, ["theme"], suppress=False)
    assert _cells(table) == {("gbv",): 15, ("gender_equality",): 15}
    assert labels("theme")["gender_equality"] == "Gender equality"
    assert labels("theme")["gbv"] == "Gender-based violence"
    held = values("OUTREACH_SESSIONS_HELD", MARCH, TD, ["theme"], suppress=False)
    assert _cells(held) == {("gbv",): 1, ("gender_equality",): 1}


def test_recorded_bands_are_put_in_the_bands_asked():
    bands = AgeBands.parse("0-24,25+")
    assert rebanded("15-24", bands) == "0-24"
    assert rebanded("60+", bands) == "25+"
    assert rebanded("15-24", AgeBands.parse("0-17,18+")) == "unknown"


def test_fairs_visitors_oriented_and_outcomes(users, world, persons):
    agent, site = users["agent_td"], world["sites"]["td"]
    fair = make_fair(agent, site)
    cancelled = make_fair(agent, site, held=False)
    activity_cancel(activity=cancelled, by=agent)
    visit = visit_record(
        site=site,
        by=agent,
        person=persons["person_td"],
        data={
            "channel": "fair",
            "themes": ["employment"],
            "outcome": "oriented",
            "occurred_at": datetime.datetime(2026, 3, 9, 10, tzinfo=datetime.UTC),
        },
    )
    fair_visit_link(fair=fair, visit=visit, by=agent)
    fair_outcome_record(
        fair=fair, person=persons["person_td"], kind="hired", on=MORNING_DAY, by=agent
    )
    assert values("FAIR_VISITORS", MARCH, TD, suppress=False).total == 70
    assert values("FAIR_ORIENTED", MARCH, TD, suppress=False).total == 1
    hired = values("FAIR_HIRED", MARCH, TD, ["sex"], suppress=False)
    assert hired.total == 1 and _cells(hired) == {("female",): 1}
    assert values("FAIR_ENROLLED", MARCH, TD, suppress=False).total == 0


def test_agents_trained_once_and_their_median_gain(users, world):
    agent, site = users["agent_td"], world["sites"]["td"]
    first, second = make_training(agent, site), make_training(agent, site)
    for training, scores in ((first, (40, 70)), (second, (60, 70))):
        participant = participant_add(training=training, user=agent, by=agent)
        participant_score(
            participant=participant,
            attended=True,
            pre_score=scores[0],
            post_score=scores[1],
            by=agent,
        )
    partner = participant_add(training=first, name="Fatimé Abakar", by=agent)
    participant_score(participant=partner, attended=True, pre_score=50, post_score=60, by=agent)
    absent = participant_add(training=first, user=users["manager_td"], by=agent)
    participant_score(participant=absent, attended=False, pre_score=None, post_score=None, by=agent)
    assert values("AGENTS_TRAINED", MARCH, TD, suppress=False).total == 2
    gain = values("TRAINING_SCORE_GAIN", MARCH, TD, suppress=False)
    assert str(gain.total) == "10.0"  # gains 30, 10, 10

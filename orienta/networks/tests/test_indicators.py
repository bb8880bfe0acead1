"""The networks' figures in the results engine: meetings held, actions done, CSO staff trained."""

import datetime

from orienta.lib.indicators import Period, Scope
from orienta.networks.services import action_update, support_participant_add
from orienta.networks.tests.factories import (
    TODAY,
    make_action,
    make_group,
    make_meeting,
    make_support,
)
from orienta.reporting.engine import values

MARCH = Period.parse("2026-03")
FEBRUARY = Period.parse("2026-02")


def _cells(table):
    return {tuple(c.key.values()): c.value for c in table.cells}


def test_meetings_held_count_by_country_in_the_month_they_were_held(world, users):
    td, mz = users["coordinator_td"], users["coordinator_mz"]
    group, member, _c = make_group(td, world["td"], world["org_td"])
    make_meeting(td, group, [member])
    make_meeting(td, group, [], held=False)  # planned: not counted
    other, _m, _c = make_group(mz, world["mz"], world["org_mz"])
    make_meeting(mz, other, [])
    table = values("GTPS_MEETINGS_HELD", MARCH, Scope(), ["country"], suppress=False)
    assert _cells(table) == {("TD",): 1, ("MZ",): 1}
    assert values("GTPS_MEETINGS_HELD", MARCH, Scope(country="TD"), suppress=False).total == 1
    assert values("GTPS_MEETINGS_HELD", FEBRUARY, Scope(), suppress=False).total == 0
    site = Scope(country="TD", site="TD-NDJ1")
    assert values("GTPS_MEETINGS_HELD", MARCH, site, suppress=False).total == 0


def test_actions_count_in_the_month_they_were_done(world, users):
    by = users["coordinator_td"]
    group, _m, _c = make_group(by, world["td"], world["org_td"])
    done = make_action(by, group)
    action_update(action=done, status="done", on=TODAY, by=by)
    started = make_action(by, group, title="Plaidoyer")
    action_update(action=started, status="in_progress", on=TODAY, by=by)
    assert values("GTPS_ACTIONS_DONE", MARCH, Scope(), suppress=False).total == 1
    assert values("GTPS_ACTIONS_DONE", FEBRUARY, Scope(), suppress=False).total == 0


def test_cso_staff_trained_count_by_sex(world, users):
    by = users["coordinator_td"]
    support = make_support(by, world["td"], [world["org_td"]])  # one woman
    for name in ("Moussa", "Ali"):
        support_participant_add(
            support=support, name=name, sex="male", organisation=world["org_td"], by=by
        )
    table = values("CSO_STAFF_TRAINED", MARCH, Scope(), ["sex"], suppress=False)
    assert _cells(table) == {("female",): 1, ("male",): 2}
    hidden = values("CSO_STAFF_TRAINED", MARCH, Scope(), ["sex"], suppress=True)
    assert hidden.total is None  # 3 participants: below the threshold
    early = Period(TODAY.replace(day=1), TODAY - datetime.timedelta(days=2))
    assert values("CSO_STAFF_TRAINED", early, Scope(), suppress=False).total == 0

"""A hand-counted month of work at TD-NDJ1 (March 2026), for the indicator tests.

Persons welcomed there in March, with their attributes on 31 March 2026:
- Achta (person_td): female, born 4 May 1990 (35), no WG answer; five visits → counted once;
- Brahim: male, born 1 Jan 2010 (16), "a lot of difficulty" walking (disability), refugee;
  one visit, and one more visit later voided (not counted);
- Zara, into whom a duplicate record (two visits) was merged: female, born 2 Feb 1960 (66);
  one visit of her own → one person, three visits;
- Erased: female, born 1 Jun 2000 (25), anonymised by the coordinator → still counted, one visit;
- two anonymous visits: a woman of 30 (age given), a man recorded with the old band "25-59".
Out of the count: a visit of Achta in February; Joana's visit in Mozambique.

So, March at TD-NDJ1 (and in Chad): 6 persons, 12 visits; women 4, men 2.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from orienta.core.models import Theme
from orienta.frontdesk.services import visit_record, visit_void
from orienta.people.rights import person_erase
from orienta.people.services import person_merge, person_register

NDJ = ZoneInfo("Africa/Ndjamena")


def at(day: int, month: int = 3, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=NDJ)


def visit(agent, site, *, when, person=None, themes=("health",), channel="walk_in", **anon):
    values = {
        "occurred_at": when,
        "channel": channel,
        "outcome": "informed",
        "themes": Theme.objects.filter(code__in=themes),
        "notes": "",
        "anonymous_sex": anon.get("sex", ""),
        "anonymous_age": anon.get("age"),
        "anonymous_age_band": anon.get("band", ""),
    }
    return visit_record(site=site, by=agent, data=values, person=person)


def register(site, by, **data):
    base = {"sex": "female", "migration_status": "national", "documents": []}
    return person_register(site=site, by=by, data=base | data)


def march(world, users, persons):
    site, agent = world["sites"]["td"], users["agent_td"]
    achta = persons["person_td"]
    for day in (2, 5, 9, 16, 30):
        visit(agent, site, when=at(day), person=achta, themes=("health", "employment"))
    visit(agent, site, when=at(20, month=2), person=achta)
    brahim = register(
        site,
        agent,
        given_name="Brahim",
        family_name="Issa",
        sex="male",
        birth_date=dt.date(2010, 1, 1),
        wg_walking=3,
        migration_status="refugee",
    )
    visit(agent, site, when=at(3), person=brahim, channel="phone")
    mistaken = visit(agent, site, when=at(4), person=brahim)
    visit_void(visit=mistaken, by=agent, reason="Recorded twice")
    zara = register(
        site, agent, given_name="Zara", family_name="Abakar", birth_date=dt.date(1960, 2, 2)
    )
    twin = register(
        site, agent, given_name="Zarah", family_name="Abakar", birth_date=dt.date(1960, 2, 2)
    )
    visit(agent, site, when=at(6), person=zara)
    visit(agent, site, when=at(7), person=twin)
    visit(agent, site, when=at(8), person=twin)
    person_merge(survivor=zara, merged=twin, by=users["manager_td"])
    gone = register(
        site, agent, given_name="Hawa", family_name="Moussa", birth_date=dt.date(2000, 6, 1)
    )
    visit(agent, site, when=at(10), person=gone)
    person_erase(person=gone, by=users["coordinator_td"], reason="Asked to be forgotten")
    visit(agent, site, when=at(11), sex="female", age=30)
    visit(agent, site, when=at(12), sex="male", band="25-59")
    mz = world["sites"]["mz"]
    visit(users["agent_mz"], mz, when=at(12), person=persons["person_mz"])
    return {"achta": achta, "brahim": brahim, "zara": zara, "twin": twin, "gone": gone}

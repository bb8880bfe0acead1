"""The persons of one site: households planned as the demo plans them (plausible local names,
ages skewed young, valid phones), and about 2% second records of the same person carrying the
spelling variants of the labelled pairs."""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from orienta.bench.calendar import SiteCalendar
from orienta.demo.build import (
    HouseholdPlan,
    SiteRun,
    person_data,
    plan_households,
    visit_time,
)
from orienta.lib.ids import uuid7
from orienta.lib.phones import InvalidPhone, to_e164
from orienta.people import matching
from orienta.people.models import ConsentPurpose, Household, Person
from orienta.people.services import identity_of, person_match_keys
from orienta.people.tests import labelled_pairs

DUPLICATE_RATE = 0.02
# A second record comes at least this long after the first (the person forgot, or moved).
DUPLICATE_AFTER_DAYS = 7
NICKNAME_RATE = 0.04


@dataclass
class Entry:
    """One registration: the person, when, and their age at the end of the history."""

    person: Person
    when: datetime
    age: int
    origin: str = ""


@dataclass
class TruePair:
    original: Entry
    duplicate: Entry
    perturbations: list[str]


@dataclass
class SitePopulation:
    entries: list[Entry] = field(default_factory=list)  # in registration order
    households: list[Household] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)  # HouseholdMember rows
    pairs: list[TruePair] = field(default_factory=list)


def populate(run: SiteRun, calendar: SiteCalendar, quota: int) -> SitePopulation:
    """Plan `quota` persons of a site, give them codes in registration order."""
    duplicates = round(quota * DUPLICATE_RATE)
    # plan_household also draws a date, scanning the run's window day by day; the date kept is
    # the seasonal calendar's, so a two-week window keeps that first draw cheap.
    planner = replace(run, start=run.end - timedelta(days=13))
    plans = plan_households(planner, quota - duplicates, [])
    for plan in plans:
        _register_on(run, plan, calendar.pick(run.rng))
    plans.sort(key=lambda p: p.when)
    pop = SitePopulation()
    groups = [(plan, _household_entries(run, plan)) for plan in plans]
    originals = [e for _plan, entries in groups for e in entries]
    pop.pairs = _duplicates(run, calendar, originals, duplicates)
    pop.entries = sorted(originals + [p.duplicate for p in pop.pairs], key=lambda e: e.when)
    for number, entry in enumerate(pop.entries, start=1):
        entry.person.code = f"{run.site.code}-{number:06d}"
    for number, (plan, entries) in enumerate(groups, start=1):
        _household(run, pop, plan, entries, number)
    return pop


def _register_on(run: SiteRun, plan: HouseholdPlan, day: date) -> None:
    """Date the household's registration. Planned ages are ages at registration; a person's
    birth date is reckoned from their age at the end of the history, years later."""
    plan.when = visit_time(run, day)
    for member in plan.members:
        member.age += (run.end - day).days // 365


def _born_by(data: dict, day: date, rng: random.Random) -> None:
    """Birth dates are drawn within a year of the age: a baby may come out born after being
    registered. Such a baby was born in the weeks before (an estimate: on 1 January)."""
    born = data.get("birth_date")
    if born is None or born <= day:
        return
    if data.get("birth_date_estimated"):
        data["birth_date"] = date(day.year, 1, 1)
    else:
        data["birth_date"] = day - timedelta(days=rng.randint(0, 60))


def _household_entries(run: SiteRun, plan: HouseholdPlan) -> list[Entry]:
    entries = []
    day = plan.when.astimezone(run.tz).date()
    for member in plan.members:
        data = person_data(run, plan, member)
        _born_by(data, day, run.rng)
        if run.rng.random() < NICKNAME_RATE:
            data["other_names"] = run.rng.choice(labelled_pairs.OTHER_NAME_POOL)
        entries.append(Entry(_person(run, data, plan.when), plan.when, member.age, plan.origin))
    return entries


def _person(run: SiteRun, data: dict, when: datetime) -> Person:
    agent = run.agent()
    person = Person(id=uuid7(), site=run.site, created_at=when, updated_at=when, **data)
    person.created_by_id = person.updated_by_id = agent.pk
    if person.consent_processing:
        person.consent_date = when.astimezone(run.tz).date()
        person.consent_recorded_by_id = agent.pk
    return person


def _household(
    run: SiteRun, pop: SitePopulation, plan: HouseholdPlan, entries: list[Entry], number: int
) -> None:
    head = entries[0].person
    household = Household(
        id=uuid7(),
        site=run.site,
        code=f"{run.site.code}-H{number:05d}",
        locality=plan.locality[0],
        created_at=plan.when,
        updated_at=plan.when,
        created_by_id=head.created_by_id,
        updated_by_id=head.created_by_id,
    )
    pop.households.append(household)
    joined = plan.when.astimezone(run.tz).date()
    for member, entry in zip(plan.members, entries, strict=True):
        pop.members.append(
            {
                "id": uuid7(),
                "site_id": run.site.pk,
                "household_id": household.pk,
                "person_id": entry.person.pk,
                "relationship": member.relationship,
                "joined_on": joined,
                "created_at": plan.when,
                "updated_at": plan.when,
                "created_by_id": head.created_by_id,
                "updated_by_id": head.created_by_id,
            }
        )


# ---------------------------------------------------------------------------------------------
# True duplicates
# ---------------------------------------------------------------------------------------------


def perturb(rng: random.Random, ident: matching.Identity) -> tuple[matching.Identity, list[str]]:
    """1 to 3 distinct perturbations of the labelled pairs, as `_variant_pair` draws them."""
    chosen: list = []
    count = rng.choice((1, 2, 2, 3))
    while len(chosen) < count:
        candidate = rng.choice(labelled_pairs.PERTURBATIONS)
        if candidate not in chosen:
            chosen.append(candidate)
    for change in chosen:
        ident = change(rng, ident)
    return ident, [change.__name__ for change in chosen]


def _duplicates(
    run: SiteRun, calendar: SiteCalendar, originals: list[Entry], count: int
) -> list[TruePair]:
    last = calendar.days[-1] if calendar.days else None
    eligible = [
        e
        for e in originals
        if e.age >= 15 and last and (last - _day(run, e.when)).days > 2 * DUPLICATE_AFTER_DAYS
    ]
    chosen = run.rng.sample(eligible, k=min(count, len(eligible)))
    return [_duplicate(run, calendar, original) for original in chosen]


def _day(run: SiteRun, when: datetime) -> date:
    return when.astimezone(run.tz).date()


def _duplicate(run: SiteRun, calendar: SiteCalendar, original: Entry) -> TruePair:
    rng = run.rng
    ident, changes = perturb(rng, identity_of(original.person))
    first = original.person
    day = calendar.pick(rng, after=_day(run, original.when) + timedelta(DUPLICATE_AFTER_DAYS))
    when = visit_time(run, day)
    data = {
        "given_name": ident.given_name,
        "family_name": ident.family_name,
        "other_names": ident.other_names,
        "sex": ident.sex or "undisclosed",
        "birth_date": ident.birth_date,
        "birth_date_estimated": ident.birth_date_estimated,
        "phone": _phone(ident.phone, run.country),
        "locality": first.locality,
        "area": first.area,
        "nationality": first.nationality,
        "migration_status": first.migration_status,
        "education": first.education,
        "occupation": first.occupation,
        "documents": list(first.documents) if rng.random() < 0.5 else [],
        "consent_processing": rng.random() < 0.97,
    }
    data["consent_sharing"] = data["consent_processing"] and rng.random() < 0.8
    duplicate = Entry(_person(run, data, when), when, original.age, original.origin)
    return TruePair(original, duplicate, changes)


def _phone(raw: str, country: str) -> str:
    """What the registration form would store: E.164, or nothing when it is not a number."""
    try:
        return to_e164(raw, country)
    except InvalidPhone:
        return ""


def match_key_rows(persons: list[Person]) -> Iterator[dict]:
    """The blocking keys `person_register` stores (PersonMatchKey rows), for many persons."""
    for person in persons:
        for key in person_match_keys(person):
            yield {"person_id": person.pk, "site_id": person.site_id, "key": key}


def consent_rows(entries: list[Entry]) -> Iterator[dict]:
    """The consent history `person_register` starts (ConsentEvent rows): what was agreed."""
    for entry in entries:
        person = entry.person
        for purpose, given in (
            (ConsentPurpose.PROCESSING, person.consent_processing),
            (ConsentPurpose.SHARING, person.consent_sharing),
        ):
            if given:
                yield {
                    "id": uuid7(),
                    "site_id": person.site_id,
                    "person_id": person.pk,
                    "purpose": purpose,
                    "given": True,
                    "at": entry.when,
                    "recorded_by_id": person.created_by_id,
                    "note": "",
                }

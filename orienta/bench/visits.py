"""The visits of one site over the years: each person's first visit the day they registered,
follow-ups weeks or months apart, anonymous visits, fair days, and a normal day today."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from orienta.bench.calendar import SiteCalendar
from orienta.bench.population import Entry
from orienta.demo.build import (
    ANONYMOUS_BANDS,
    FIRST_CHANNELS,
    LATER_CHANNELS,
    OUTCOMES,
    SiteRun,
    needs_of,
    todays_window,
    visit_time,
)
from orienta.demo.data import NOTES, ORIGINS, THEME_WEIGHTS
from orienta.frontdesk.models import Visit
from orienta.lib.ids import uuid7

VisitTheme = Visit.themes.through

# Follow-ups: mean gap between two visits of a person.
FOLLOW_UP_DAYS = 45
# Visits of a person in all (first included): children come with a parent, seldom alone.
ADULT_VISITS = {1: 14, 2: 16, 3: 17, 4: 15, 5: 12, 6: 10, 7: 8, 8: 8}
CHILD_VISITS = {1: 3, 2: 2, 3: 1}
ANONYMOUS_PER_PERSON = 0.35
FAIR_CHANNEL_SHARE = 0.7
ANONYMOUS_CHANNELS = {"walk_in": 60, "outreach": 20, "fair": 12, "phone": 8}


@dataclass
class SiteVisits:
    visits: list[dict] = field(default_factory=list)  # Visit rows
    themes: list[dict] = field(default_factory=list)  # VisitTheme rows

    def add(self, visit: dict, themes: list[str]) -> None:
        self.visits.append(visit)
        self.themes += [{"visit_id": visit["id"], "theme_id": code} for code in themes]


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_visits(run: SiteRun, calendar: SiteCalendar, entries: list[Entry]) -> SiteVisits:
    out = SiteVisits()
    for entry in entries:
        _person_visits(run, calendar, entry, out)
    for _n in range(round(len(entries) * ANONYMOUS_PER_PERSON)):
        day = calendar.pick(run.rng)
        _anonymous_visit(run, visit_time(run, day), out, fair=day in calendar.fairs)
    _todays_visits(run, calendar, entries, out)
    return out


def _visit_count(rng: random.Random, age: int) -> int:
    return int(_weighted(rng, CHILD_VISITS if age < 15 else ADULT_VISITS))


def _person_visits(run: SiteRun, calendar: SiteCalendar, entry: Entry, out: SiteVisits) -> None:
    rng = run.rng
    needs = needs_of(run, entry.person, entry.age)
    day = entry.when.astimezone(run.tz).date()
    times = [entry.when]
    for _n in range(_visit_count(rng, entry.age) - 1):
        day = calendar.next_open(day + timedelta(days=1 + int(rng.expovariate(1 / FOLLOW_UP_DAYS))))
        if day is None:
            break
        times.append(visit_time(run, day))
    story = ORIGINS.get(entry.origin, "") if entry.age >= 15 else ""
    for number, at in enumerate(times):
        first = number == 0
        channel = _channel(rng, calendar, at, run, first)
        notes = story if first and story else _note(run, needs)
        _visit(run, out, at, needs, channel=channel, person_id=entry.person.pk, notes=notes)


def _channel(
    rng: random.Random, calendar: SiteCalendar, at: datetime, run: SiteRun, first: bool
) -> str:
    if at.astimezone(run.tz).date() in calendar.fairs and rng.random() < FAIR_CHANNEL_SHARE:
        return "fair"
    return _weighted(rng, FIRST_CHANNELS if first else LATER_CHANNELS)


def _note(run: SiteRun, needs: list[str]) -> str:
    if run.rng.random() >= 0.35:
        return ""
    return NOTES.get(run.language, NOTES["pt"]).get(needs[0], "")


def _themes(rng: random.Random, country: str, needs: list[str]) -> list[str]:
    weights = THEME_WEIGHTS[country]
    themes = list(needs) if rng.random() < 0.8 else [_weighted(rng, weights)]
    if rng.random() < 0.15:
        themes.append(_weighted(rng, weights))
    return list(dict.fromkeys(themes))


def _visit(
    run: SiteRun,
    out: SiteVisits,
    at: datetime,
    needs: list[str],
    *,
    channel: str,
    person_id=None,
    notes: str = "",
    anonymous: dict | None = None,
) -> None:
    rng = run.rng
    themes = _themes(rng, run.country, needs)
    outcome = _weighted(rng, OUTCOMES)
    if {"gbv", "child_protection"} & set(themes) and rng.random() < 0.5:
        outcome = "case"
    agent_id = run.agent().pk
    visit = {
        "id": uuid7(),
        "site_id": run.site.pk,
        "person_id": person_id,
        "agent_id": agent_id,
        "occurred_at": at,
        "channel": channel,
        "outcome": outcome,
        "notes": notes,
        "created_at": at,
        "updated_at": at,
        "created_by_id": agent_id,
        "updated_by_id": agent_id,
        "anonymous_sex": "",
        "anonymous_age_band": "",
    } | (anonymous or {})
    out.add(visit, themes)


def _anonymous_visit(run: SiteRun, at: datetime, out: SiteVisits, *, fair: bool) -> None:
    rng = run.rng
    anonymous = {
        "anonymous_sex": "female" if rng.random() < 0.58 else "male",
        "anonymous_age_band": _weighted(rng, ANONYMOUS_BANDS),
    }
    channel = "fair" if fair and rng.random() < FAIR_CHANNEL_SHARE else None
    theme = _weighted(rng, THEME_WEIGHTS[run.country])
    _visit(
        run,
        out,
        at,
        [theme],
        channel=channel or _weighted(rng, ANONYMOUS_CHANNELS),
        anonymous=anonymous,
    )


def _todays_visits(
    run: SiteRun, calendar: SiteCalendar, entries: list[Entry], out: SiteVisits
) -> None:
    """As many visits so far today as on an average open day: follow-ups and anonymous."""
    rng = run.rng
    opening, closing, channel = todays_window(run)
    average = len(out.visits) / max(1, calendar.open_days)
    count = max(2, round(average * (closing - opening) / (8 * 60)))
    today = run.ctx.now.astimezone(run.tz).date()
    adults = [e for e in entries if e.age >= 15]
    for _n in range(count):
        minute = rng.randint(opening, max(opening, closing - 1))
        at = datetime.combine(today, datetime.min.time(), tzinfo=run.tz) + timedelta(minutes=minute)
        if adults and rng.random() < 0.75:
            entry = rng.choice(adults)
            needs = needs_of(run, entry.person, entry.age)
            _visit(run, out, at, needs, channel=channel or "walk_in", person_id=entry.person.pk)
        else:
            _anonymous_visit(run, at, out, fair=False)

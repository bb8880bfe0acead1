"""`generate`: a realistic network of national scale, written in bulk.

This is a load tool: it writes rows in bulk (`writer`: COPY on PostgreSQL) instead of calling
the per-row services, so that a million persons take an hour, not days. What it writes keeps
the rules the services keep: unique codes made from each site's counters (updated at the end,
so later registrations do not collide), one current household per person and one head per
household, the match keys and the consent history `person_register` stores, E.164 phones valid
for the country, anonymous visits with sex and age band only. It does not write what only
traces a service call (event log, match decisions, audit log).

Then the follow-up layer (`country_layer`, `followup`): each country's directory and support
fund, written once through the apps' services, and each site's cases, referrals and fund
requests, planned from its visits and written in bulk like the registry.

One site at a time, each in its own transaction and with its own random stream, seeded from
the seed and the site's code: deterministic for a seed (and a day: histories end today).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from orienta.bench import followup, writer
from orienta.bench.calendar import SiteCalendar
from orienta.bench.country_layer import CountryLayer, build_country_layers
from orienta.bench.network import BenchSite, build_network
from orienta.bench.population import (
    SitePopulation,
    TruePair,
    consent_rows,
    match_key_rows,
    populate,
)
from orienta.bench.visits import SiteVisits, VisitTheme, plan_visits
from orienta.core.models import Area, Site
from orienta.demo.build import Context, SiteRun
from orienta.directory.models import CostOption, Permanence, Schedule, Service
from orienta.frontdesk.models import Visit
from orienta.fund.models import Fund, Period
from orienta.people.models import (
    ConsentEvent,
    Household,
    HouseholdMember,
    Person,
    PersonMatchKey,
)

# Written once a country, through the services (counted for the totals).
COUNTRY_MODELS = (Service, CostOption, Schedule, Permanence, Fund, Period)


class RegistryNotEmpty(Exception):
    """Generation refuses a database that already holds persons (it may be a real one)."""


@dataclass
class Totals:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    followup_seconds: float = 0.0  # of `seconds`: the directory, cases, referrals and fund

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n

    @property
    def all_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class Generated:
    persons: int
    seed: int
    sites: int
    years: int
    totals: Totals
    pairs: list[dict]
    site_codes: list[str]

    def manifest(self) -> dict:
        return {
            "persons": self.persons,
            "seed": self.seed,
            "sites": self.sites,
            "years": self.years,
            "generated_on": timezone.localdate().isoformat(),
            "seconds": round(self.totals.seconds, 1),
            "followup_seconds": round(self.totals.followup_seconds, 1),
            "rows": self.totals.rows,
            "rows_per_second": round(self.totals.all_rows / max(self.totals.seconds, 1e-9)),
            "site_codes": self.site_codes,
            "true_pairs": self.pairs,
        }


@dataclass
class Shared:
    """What every site's generation reads: the clock, the places, the phones already given."""

    seed: int
    years: int
    now: datetime
    areas: dict[str, Area]
    phones: set[str] = field(default_factory=set)
    layers: dict[str, CountryLayer] = field(default_factory=dict)
    referral_codes: set[str] = field(default_factory=set)


def generate(
    *,
    persons: int,
    seed: int = 1,
    sites: int = 30,
    years: int = 3,
    now: datetime | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> Generated:
    if Person.objects.exists():
        raise RegistryNotEmpty
    started = time.monotonic()
    now = now or timezone.now()
    network = build_network(sites=sites, seed=seed, now=now)
    shared = Shared(seed, years, now, {a.code: a for a in Area.objects.all()})
    totals = Totals()
    t0 = time.monotonic()
    with transaction.atomic():
        first = now.date() - timedelta(days=365 * years)
        shared.layers = build_country_layers(network, seed=seed, now=now, first=first)
    for model in COUNTRY_MODELS:
        totals.add(model._meta.label, model.objects.count())
    totals.followup_seconds += time.monotonic() - t0
    pairs: list[dict] = []
    for bench_site, quota in zip(network, _quotas(persons, network), strict=True):
        t0, before = time.monotonic(), totals.all_rows
        pairs += _generate_site(bench_site, quota, shared, totals)
        rows, elapsed = totals.all_rows - before, time.monotonic() - t0
        progress(
            f"{bench_site.site.code}: {quota:,} persons, {rows:,} rows in {elapsed:.1f} s "
            f"({rows / max(elapsed, 1e-9):,.0f} rows/s)"
        )
    _analyze()
    totals.seconds = time.monotonic() - started
    return Generated(persons, seed, sites, years, totals, pairs, [b.site.code for b in network])


def _analyze() -> None:
    """Table statistics, as autovacuum gathers them on a running PostgreSQL server: without
    them the planner takes tables loaded in bulk for empty ones. (SQLite gathers none unless
    asked, and Orienta does not ask: left as a real node has it.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _quotas(persons: int, network: list[BenchSite]) -> list[int]:
    whole = sum(b.weight for b in network)
    quotas = [int(persons * b.weight / whole) for b in network]
    for i in range(persons - sum(quotas)):
        quotas[i % len(quotas)] += 1
    return quotas


def _site_run(bench_site: BenchSite, shared: Shared) -> SiteRun:
    rng = random.Random(f"{shared.seed}:{bench_site.site.code}")
    ctx = Context(rng=rng, now=shared.now, themes={}, areas=shared.areas, phones=shared.phones)
    tz = ZoneInfo(bench_site.site.timezone)
    today = shared.now.astimezone(tz).date()
    return SiteRun(
        ctx,
        bench_site.spec,
        bench_site.country,
        bench_site.site,
        bench_site.agents,
        tz,
        start=today - timedelta(days=365 * shared.years),
        end=today - timedelta(days=1),
    )


def _generate_site(bench_site: BenchSite, quota: int, shared: Shared, totals: Totals) -> list[dict]:
    run = _site_run(bench_site, shared)
    calendar = SiteCalendar.build(run.spec, run.country, run.start, run.end, run.rng)
    population = populate(run, calendar, quota)
    visits = plan_visits(run, calendar, population.entries)
    with transaction.atomic():
        _write(population, visits, totals)
        _advance_counters(run.site, population)
        t0 = time.monotonic()
        layer = shared.layers[bench_site.country]
        rows = followup.plan_site(run, layer, population, visits, shared.referral_codes)
        for model in followup.ORDER:
            totals.add(model._meta.label, writer.insert(model, rows.by_model[model]))
        totals.followup_seconds += time.monotonic() - t0
    return [_pair_row(p) for p in population.pairs]


def _write(population: SitePopulation, visits: SiteVisits, totals: Totals) -> None:
    persons = [e.person for e in population.entries]
    for model, rows in (
        (Person, persons),
        (Household, population.households),
        (HouseholdMember, population.members),
        (PersonMatchKey, match_key_rows(persons)),
        (ConsentEvent, consent_rows(population.entries)),
        (Visit, visits.visits),
        (VisitTheme, visits.themes),
    ):
        totals.add(model._meta.label, writer.insert(model, rows))


def _advance_counters(site: Site, population: SitePopulation) -> None:
    Site.objects.filter(pk=site.pk).update(
        person_seq=len(population.entries), household_seq=len(population.households)
    )


def _pair_row(pair: TruePair) -> dict:
    return {
        "original": pair.original.person.code,
        "duplicate": pair.duplicate.person.code,
        "changes": pair.perturbations,
    }

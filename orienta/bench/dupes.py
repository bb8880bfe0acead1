"""Duplicate matching at registry scale: how long `person_candidates` takes, and whether it finds
the first record of a person registered twice (recall) without burying it among look-alikes
(precision), against the ground truth the generator recorded.

Each second record is looked up as the registration form would: its identity, by an agent of
its site (the site's registry), and by the country coordinator (every site of the country),
leaving the record itself out.
"""

import random
import time
from dataclasses import dataclass, field

from orienta.bench.stats import summary
from orienta.core.models import Role, User
from orienta.people.models import Person
from orienta.people.queries import person_candidates
from orienta.people.services import IDENTITY_FIELDS


@dataclass
class Scope:
    name: str
    queries: int = 0
    found: int = 0  # the first record is among the candidates
    first: int = 0  # ...and ranked first
    candidates: int = 0  # candidates shown in all
    true_candidates: int = 0
    milliseconds: list[float] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "queries": self.queries,
            "recall": _ratio(self.found, self.queries),
            "ranked_first": _ratio(self.first, self.queries),
            "precision": _ratio(self.true_candidates, self.candidates),
            "candidates_per_query": _ratio(self.candidates, self.queries),
            "ms": summary(self.milliseconds),
            "missed_examples": self.missed[:10],
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _identity(person: Person) -> dict:
    return {name: getattr(person, name) for name in IDENTITY_FIELDS}


def _lookup(scope: Scope, user: User, duplicate: Person, original_pk, pair: dict) -> None:
    started = time.perf_counter()
    found = person_candidates(user, _identity(duplicate), exclude=duplicate)
    scope.milliseconds.append((time.perf_counter() - started) * 1000)
    pks = [p.pk for p, _result in found]
    scope.queries += 1
    scope.candidates += len(pks)
    scope.true_candidates += pks.count(original_pk)
    scope.found += original_pk in pks
    scope.first += bool(pks) and pks[0] == original_pk
    if original_pk not in pks:
        scope.missed.append(pair)


def _users() -> tuple[dict, dict]:
    agents = {}
    for user in User.objects.filter(role=Role.AGENT).prefetch_related("sites").order_by("username"):
        for site in user.sites.all():
            agents.setdefault(site.pk, user)
    coordinators = {u.country_id: u for u in User.objects.filter(role=Role.COORDINATOR)}
    return agents, coordinators


def measure(pairs: list[dict], *, sample: int, seed: int, coordinator_sample: int) -> dict:
    """Look each sampled second record up; coordinators for the first `coordinator_sample`."""
    chosen = random.Random(f"{seed}:dupes").sample(pairs, k=min(sample, len(pairs)))
    codes = [p["original"] for p in chosen] + [p["duplicate"] for p in chosen]
    by_code = {p.code: p for p in Person.objects.filter(code__in=codes).select_related("site")}
    agents, coordinators = _users()
    site_scope, country_scope = Scope("site (agent)"), Scope("country (coordinator)")
    for n, pair in enumerate(chosen):
        original, duplicate = by_code[pair["original"]], by_code[pair["duplicate"]]
        _lookup(site_scope, agents[duplicate.site_id], duplicate, original.pk, pair)
        if n < coordinator_sample:
            coordinator = coordinators[duplicate.site.country_id]
            _lookup(country_scope, coordinator, duplicate, original.pk, pair)
    return {
        "pairs_in_truth": len(pairs),
        "site": site_scope.as_dict(),
        "country": country_scope.as_dict(),
    }

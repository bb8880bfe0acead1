"""Retention: how long each kind of record is kept, and the rules that anonymise or purge it.

An app declares its kinds of records in `orienta/<app>/retention.py`::

    from django.utils.translation import gettext_lazy as _
    from orienta.core.retention import Rule

    def _anonymise_closed_cases(cutoff, dry_run):
        due = Case.objects.filter(status="closed", closed_at__lt=cutoff, anonymised_at=None)
        if not dry_run:
            for case in due:
                case_anonymise(case=case, by=None)
        return due.count() if dry_run else ...

    RULES = [Rule("cases.closed_case", _("Closed cases"), 5 * 365, _anonymise_closed_cases)]

`apply(cutoff, dry_run)` anonymises or purges the records older than `cutoff` (a datetime) and
returns how many it did — with `dry_run`, how many it would, changing nothing.

The period of each kind is its rule's `default_days` until an administrator sets another in
the admin (`RetentionPeriod`). `retention_run(now)` applies every rule, each in its own
transaction; `manage.py run_tasks` calls it (orienta/core/tasks.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.functional import Promise

from orienta.core.models import RetentionPeriod
from orienta.lib.plugins import app_modules


@dataclass(frozen=True)
class Rule:
    kind: str
    label: str | Promise
    default_days: int
    apply: Callable[[datetime, bool], int]


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    days: int
    cutoff: datetime
    count: int
    error: str = ""


def _gather() -> tuple[list[Rule], dict[str, str]]:
    """Every app's RULES (`orienta/<app>/retention.py`), in INSTALLED_APPS order; and the apps
    whose module failed to load, with the error (their rules cannot run, the others still do).
    """
    found: dict[str, Rule] = {}
    broken: dict[str, str] = {}
    for module in app_modules("retention", failures=broken):
        for rule in getattr(module, "RULES", []):
            if rule.kind in found:
                raise ValueError(f"Two retention rules for the kind {rule.kind!r}.")
            found[rule.kind] = rule
    return list(found.values()), broken


def rules() -> list[Rule]:
    """Every app's RULES, from `orienta/<app>/retention.py`."""
    return _gather()[0]


def rule_choices() -> list[tuple[str, str]]:
    return [(rule.kind, str(rule.label)) for rule in rules()]


def periods() -> dict[str, int]:
    """The days kept for every kind: the administrators' setting, else the rule's default."""
    chosen = dict(RetentionPeriod.objects.values_list("kind", "days"))
    return {rule.kind: chosen.get(rule.kind, rule.default_days) for rule in rules()}


def periods_ensure() -> int:
    """A row for every kind, at its default, so administrators see them all; returns how many
    were added."""
    existing = set(RetentionPeriod.objects.values_list("kind", flat=True))
    missing = [
        RetentionPeriod(kind=rule.kind, days=rule.default_days)
        for rule in rules()
        if rule.kind not in existing
    ]
    RetentionPeriod.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def retention_run(now: datetime, *, dry_run: bool = False) -> list[Outcome]:
    """Apply every rule with the cutoff `now - days`, each in its own transaction: a failing
    rule is reported and the others still run. With `dry_run`, count only."""
    days = periods()
    outcomes = [
        Outcome(Rule(f"{app}.retention", app, 0, _unloadable), 0, now, 0, error)
        for app, error in _gather()[1].items()
    ]
    for rule in rules():
        cutoff = now - timedelta(days=days[rule.kind])
        try:
            with transaction.atomic():
                count = rule.apply(cutoff, dry_run)
                if not dry_run:
                    RetentionPeriod.objects.update_or_create(
                        kind=rule.kind,
                        defaults={"last_run_at": now, "last_count": count},
                        create_defaults={
                            "days": days[rule.kind],
                            "last_run_at": now,
                            "last_count": count,
                        },
                    )
        except Exception as exc:  # reported, and the other rules still run
            outcomes.append(
                Outcome(rule, days[rule.kind], cutoff, 0, f"{type(exc).__name__}: {exc}")
            )
            continue
        outcomes.append(Outcome(rule, days[rule.kind], cutoff, count))
    return outcomes


def _unloadable(cutoff, dry_run):  # the stand-in rule of an app whose module failed to load
    raise RuntimeError("the module did not load")


def summary(outcomes: list[Outcome]) -> str:
    parts = [f"{o.rule.kind}: {'FAILED ' + o.error if o.error else o.count}" for o in outcomes]
    return "; ".join(parts) or "no retention rules"

"""Which models sync, and how: the `sync` hook.

Every model of every installed app is declared in exactly one of four kinds, or
`test_every_model_is_classified` fails:

- "site": synced, partitioned by site: a node holds the rows of its own site and pushes the
  changes it makes to them;
- "reference": synced from the central server to every node (countries, sites, users, the
  directory, themes…); a node reads them and never pushes its changes to them;
- "central": kept on the central server only (API tokens, the nodes' register, DHIS2 mapping);
- "local": each instance keeps its own (sessions, the access log's chain, the journal itself,
  indexes derived from synced rows).

An app takes part by defining `orienta/<app>/sync.py` with:

- `SYNC`: `{model name: kind}` for each of its models; a "site" model whose site is not its
  own `site` field names the path to it: `("site", "account.site_id")`;
- `SYNC_EXCLUDE` (optional): `{model name: [field, …]}` fields each side keeps for itself (a
  counter of readable codes), never journaled;
- `SYNC_IDENTITY` (optional): `{model name: [field, …]}` fields that conflict on any concurrent
  change of another identity field (names, birth date);
- `SYNC_AFTER_APPLY` (optional): `{model name: function(row)}` called after a change received
  from the other side is applied (to rebuild derived rows such as the search index).

Models of apps outside Orienta are declared below, in `THIRD_PARTY`.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from orienta.lib.plugins import app_modules

KINDS = ("site", "reference", "central", "local")

THIRD_PARTY: dict[str, str] = {
    "admin.LogEntry": "local",
    "auth.Permission": "local",
    "auth.Group": "local",
    "contenttypes.ContentType": "local",
    "sessions.Session": "local",
    # Second factors stay at the central server: a node signs in managers with it (later).
    "otp_totp.TOTPDevice": "central",
    "axes.AccessAttempt": "local",
    "axes.AccessAttemptExpiration": "local",
    "axes.AccessFailureLog": "local",
    "axes.AccessLog": "local",
    # The task queue: each instance runs its own work.
    "django_tasks_database.DBTaskResult": "local",
}

# Fields that say who changed a row and when: sent with each change, never a conflict.
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by_id"})


@dataclass(frozen=True)
class Rule:
    kind: str
    site_path: str = "site_id"
    exclude: frozenset[str] = frozenset()
    identity: frozenset[str] = frozenset()
    after_apply: Any = None
    m2m: tuple[str, ...] = field(default=())

    @property
    def synced(self) -> bool:
        return self.kind in ("site", "reference")


def _declared() -> dict[str, Rule | str]:
    """Every declaration: {app_label.Model: Rule}, or an error string for a bad one."""
    found: dict[str, Any] = {}
    for label, kind in THIRD_PARTY.items():
        found[label] = Rule(kind)
    for module in app_modules("sync"):
        config = apps.get_containing_app_config(module.__name__)
        assert config is not None
        app_label = config.label
        excludes = getattr(module, "SYNC_EXCLUDE", {})
        identity = getattr(module, "SYNC_IDENTITY", {})
        after = getattr(module, "SYNC_AFTER_APPLY", {})
        for name, spec in getattr(module, "SYNC", {}).items():
            kind, path = spec if isinstance(spec, tuple) else (spec, "site_id")
            if kind not in KINDS:
                found[f"{app_label}.{name}"] = f"unknown kind {kind!r}"
                continue
            model = apps.get_model(app_label, name)
            found[model._meta.label] = Rule(
                kind,
                site_path=path,
                exclude=frozenset(excludes.get(name, ())),
                identity=frozenset(identity.get(name, ())),
                after_apply=after.get(name),
                m2m=tuple(f.name for f in model._meta.many_to_many),
            )
    return found


@cache
def rules() -> dict[str, Rule]:
    return {label: rule for label, rule in _declared().items() if isinstance(rule, Rule)}


def rule_for(model: type[models.Model]) -> Rule | None:
    return rules().get(model._meta.label)


def unclassified() -> list[str]:
    """The installed models declared nowhere, or declared wrongly (a "site" model without the
    site path it names)."""
    declared = _declared()
    problems = []
    for model in apps.get_models():
        label = model._meta.label
        rule = declared.get(label)
        if rule is None:
            problems.append(f"{label}: not declared in {model._meta.app_label}/sync.py")
        elif isinstance(rule, str):
            problems.append(f"{label}: {rule}")
        elif rule.kind == "site":
            first = rule.site_path.split(".")[0]
            names = {n for f in model._meta.concrete_fields for n in (f.name, f.attname)}
            if first not in names:
                problems.append(f"{label}: no field {first} for its site")
    return problems


def synced_models() -> list[type[models.Model]]:
    """The synced models, parents before children (the order a first pull applies them)."""
    chosen = [m for m in apps.get_models() if (r := rule_for(m)) is not None and r.synced]
    ordered: list[type[models.Model]] = []
    seen: set[type[models.Model]] = set()

    def visit(model: type[models.Model]) -> None:
        if model in seen:
            return
        seen.add(model)
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if isinstance(target, type) and target is not model and target in chosen:
                visit(target)
        ordered.append(model)

    for model in chosen:
        visit(model)
    return ordered

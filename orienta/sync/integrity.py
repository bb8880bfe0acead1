"""The count-and-hash check of a node's partition (SYNC.md §10), and its repair.

Every few syncs, once nothing remains to push or pull, the node sends, per synced model of its
site, the number of rows and a hash of the sorted (id, version) pairs. The central server
computes the same over its rows of the site; the models that differ are shown on both sides
and the node pulls each of them again in full (`rows_page`), then deletes the rows of it that
the central server does not hold.
"""

import hashlib
from typing import Any

from django.apps import apps
from django.db import models

from orienta.sync import classification
from orienta.sync.classification import Rule
from orienta.sync.wire import row_values

REPAIR_ROWS = 500


def site_models() -> list[tuple[type[models.Model], Rule]]:
    found = []
    for model in classification.synced_models():
        rule = classification.rule_for(model)
        if rule is not None and rule.kind == "site":
            found.append((model, rule))
    return found


def site_lookup(rule: Rule) -> str:
    """The ORM lookup of a rule's site path: `site_id` → `site`, `account.site_id` →
    `account__site`."""
    return rule.site_path.replace(".", "__").removesuffix("_id")


def rows_of(model: type[models.Model], rule: Rule, site_id: Any) -> "models.QuerySet[Any]":
    return model._base_manager.filter(**{site_lookup(rule): site_id})


def _digest(rows: "models.QuerySet[Any]", versioned: bool) -> list[Any]:
    names = ("pk", "version") if versioned else ("pk",)
    pairs = sorted(f"{r[0]}:{r[1] if versioned else 0}" for r in rows.values_list(*names))
    digest = hashlib.sha256("\n".join(pairs).encode()).hexdigest()
    return [len(pairs), digest]


def partition_digest(site_id: Any) -> dict[str, list[Any]]:
    """{model label: [count, hash of (id, version)]} for the site's rows of every synced model."""
    out = {}
    for model, rule in site_models():
        versioned = any(f.name == "version" for f in model._meta.concrete_fields)
        out[model._meta.label] = _digest(rows_of(model, rule, site_id), versioned)
    return out


def mismatched(site_id: Any, theirs: dict[str, Any]) -> list[str]:
    """The models whose count or hash differ from `theirs` (a model they do not name, too)."""
    ours = partition_digest(site_id)
    return sorted(
        label for label, value in ours.items() if list(theirs.get(label) or []) != list(value)
    )


def rows_page(site_id: Any, label: str, after: str) -> tuple[list[dict[str, Any]], bool]:
    """The site's rows of `label` after the id `after`, whole (for a repair), and whether more
    remain."""
    model = apps.get_model(label)
    rule = classification.rule_for(model)
    if rule is None or rule.kind != "site":
        raise LookupError(label)
    rows = rows_of(model, rule, site_id).order_by("pk")
    if after:
        rows = rows.filter(pk__gt=model._meta.pk.to_python(after))
    chosen = list(rows[: REPAIR_ROWS + 1])
    page = []
    excluded = {model._meta.get_field(name).attname for name in rule.exclude}
    for row in chosen[:REPAIR_ROWS]:
        values = {k: v for k, v in row_values(row).items() if k not in excluded}
        for field in model._meta.many_to_many:
            if field.name not in rule.exclude:
                values[field.name] = sorted(
                    str(pk) for pk in getattr(row, field.name).values_list("pk", flat=True)
                )
        page.append({"record": str(row.pk), "fields": values})
    return page, len(chosen) > REPAIR_ROWS

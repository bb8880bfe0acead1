"""Central server: journal the records that exist without a journal entry (those made before
the sync app, by migrations, or by a bulk write), so that a node's first pull receives them."""

from typing import Any

from django.db import transaction
from django.db.models import Model

from orienta.sync import capture, classification
from orienta.sync.classification import Rule
from orienta.sync.models import Change, Op
from orienta.sync.wire import row_values

CHUNK = 2000


def creation_values(row: Model, rule: Rule) -> dict[str, Any]:
    """What the creation of `row` carries: its fields, its many-to-many sets, none excluded."""
    values = row_values(row)
    for name in rule.exclude:
        values.pop(name, None)
    for field in row._meta.many_to_many:
        if field.name in rule.exclude:
            continue
        values[field.name] = sorted(
            str(pk) for pk in getattr(row, field.name).values_list("pk", flat=True)
        )
    return values


def journal_missing() -> int:
    """Write a creation for every synced record the journal does not know; parents first.
    Idempotent: a second run writes nothing."""
    if capture.is_node():
        return 0
    written = 0
    for model in classification.synced_models():
        rule = classification.rule_for(model)
        assert rule is not None
        label = model._meta.label
        known = set(Change.objects.filter(model=label).values_list("record", flat=True))
        rows = model._base_manager.order_by("pk")
        for start in range(0, rows.count(), CHUNK):
            with transaction.atomic():
                for row in rows[start : start + CHUNK]:
                    if str(row.pk) in known:
                        continue
                    values = creation_values(row, rule)
                    capture.write(row=row, rule=rule, op=Op.CREATE, fields=values, base_version=0)
                    written += 1
    return written

"""The sync journal's part in a person's erasure (the `rights` hooks of orienta/people/rights.py).

The journal keeps each change's values until every node has them: an erased person's names,
phones and codes, and the earlier values of every field the erasure emptied (an occupation, a
locality, a case's notes), would outlive the erasure there. Erasure erases the payload
everywhere (SYNC.md), so:

- `mark()` is called before the erasure changes anything: the journal's last change then;
- `scrub()` is called after: each record the erasure changed has the values it was given
  written over the same fields in its earlier changes, and every change that mentions one of
  the identity strings has them redacted.

Erasure is rare and privileged, and the journal is trimmed once every node has synced.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Max, Q

from orienta.sync.models import Change, Op


def mark() -> int:
    """The journal's last change before an erasure begins."""
    return Change.objects.aggregate(last=Max("id"))["last"] or 0


def scrub(
    strings: Iterable[str], redact: Callable[[Any], Any], *, since: int | None = None
) -> None:
    _overwrite_earlier_values(since)
    needles = [s for s in strings if s]
    if not needles:
        return
    mentions = Q(pk__in=[])
    for needle in needles:
        mentions |= Q(fields__icontains=needle)
    for change in Change.objects.filter(mentions).only("pk", "fields").iterator():
        redacted = redact(change.fields)
        if redacted != change.fields:
            Change.objects.filter(pk=change.pk).update(fields=redacted)


def _overwrite_earlier_values(since: int | None) -> None:
    """The values the erasure gave each record, over the same fields of its earlier changes."""
    if not since:
        return
    erased: dict[tuple[str, str], dict[str, Any]] = {}
    changes = Change.objects.filter(id__gt=since, op=Op.UPDATE).order_by("id")
    for change in changes.only("model", "record", "fields"):
        erased.setdefault((change.model, change.record), {}).update(change.fields)
    for (model, record), values in erased.items():
        earlier = Change.objects.filter(model=model, record=record, id__lte=since)
        for change in earlier.only("pk", "fields"):
            fields = dict(change.fields)
            fields.update({k: v for k, v in values.items() if k in fields})
            if fields != change.fields:
                Change.objects.filter(pk=change.pk).update(fields=fields)

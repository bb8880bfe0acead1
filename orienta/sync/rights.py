"""The sync journal's part in a person's erasure (the `rights` hook of orienta/people/rights.py).

The journal keeps each change's values until every node has them: an erased person's names,
phones and codes would outlive the erasure there. `scrub` redacts them from every change that
holds one of them, as the erasure does in the other records (SYNC.md: erasure erases the
payload everywhere). It reads the journal's changes whose values mention one of the strings:
erasure is rare and privileged, and the journal is trimmed once every node has synced."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

from orienta.sync.models import Change


def scrub(strings: Iterable[str], redact: Callable[[Any], Any]) -> None:
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

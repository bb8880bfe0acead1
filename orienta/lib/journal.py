"""Bulk writes tell the change journal what they changed.

Every save and delete of a synced record reaches the sync app's journal through Django's model
signals; a `QuerySet.update()` sends none. A service that must update many rows at once (a
merge moving a person's cases) calls `rows_updated(model, pks, fields)` after the update, in
the same transaction; the sync app installs the writer (`orienta/sync/capture.py`). Without it
(no sync app), nothing happens.
"""

from collections.abc import Callable, Iterable
from typing import Any

Writer = Callable[[Any, list[Any], list[str]], None]
_writer: list[Writer] = []


def set_writer(write: Writer | None) -> None:
    _writer.clear()
    if write is not None:
        _writer.append(write)


def rows_updated(model: Any, pks: Iterable[Any], fields: Iterable[str]) -> None:
    """Journal `fields` of the rows `pks` of `model`, just changed by a `QuerySet.update()`."""
    ids, names = list(pks), list(fields)
    if ids and _writer:
        _writer[0](model, ids, names)

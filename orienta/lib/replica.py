"""Reads that may come from a read replica of the database (setting `DATABASE_REPLICA_URL`).

A report that reads many rows and does not need to see a write made a second ago marks its
reads:

    with replica_reads():
        rows = spending(...)

or, on a whole view, `@replica_reads()`. Inside the mark, and only there, `ReplicaRouter` sends
reads to the `replica` database; every write, and every read outside a mark, goes to
`default`. Without `DATABASE_REPLICA_URL` the router is not installed and the mark changes
nothing, so marked code runs the same on a single server.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

REPLICA = "replica"
_marked: ContextVar[bool] = ContextVar("orienta_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may come from the replica (usable as a decorator too)."""
    token = _marked.set(True)
    try:
        yield
    finally:
        _marked.reset(token)


def reads_marked() -> bool:
    return _marked.get()


class ReplicaRouter:
    """Marked reads to the replica; everything else, writes above all, to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if _marked.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # An object read from the replica is saved to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: objects read from either may be linked.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # The replica follows the primary's schema through replication, never through migrate.
        return False if db == REPLICA else None

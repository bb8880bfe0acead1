"""Fast inserts for the generator: `COPY` on PostgreSQL, `executemany` elsewhere.

Rows are model instances or dicts of attribute names; values go through each field's
`get_db_prep_save`, as in `bulk_create`, so what lands in the database is what the ORM would
write. Fields a dict leaves out take their model default (callable defaults are called).
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import partial
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, JSONField, Model

BATCH = 5000


AUTO = {"AutoField", "BigAutoField", "SmallAutoField"}


def _fields(model: type[Model]) -> list[Field]:
    """The columns to write: all but auto-incremented keys, which the database numbers."""
    return [f for f in model._meta.local_concrete_fields if f.get_internal_type() not in AUTO]


def _defaults(fields: Sequence[Field]) -> dict[str, object]:
    return {f.attname: f.get_default for f in fields}


# Values the ORM passes through unchanged on every backend (JSON fields excepted).
PLAIN = frozenset({str, int, bool, float, type(None)})


def _preparer(field: Field, connection) -> Callable[[object], object]:
    """`field.get_db_prep_save`, short-cut for the values it would pass through unchanged (a
    third of the generator's time otherwise). JSON always goes the long way."""
    slow = partial(field.get_db_prep_save, connection=connection)
    if isinstance(field, JSONField):
        return slow
    if connection.vendor == "postgresql":  # native uuid, timestamptz, date: psycopg adapts
        return lambda v: v if type(v) in PLAIN or isinstance(v, UUID | date) else slow(v)
    ops = connection.ops
    by_type = {
        UUID: lambda v: v.hex,
        datetime: ops.adapt_datetimefield_value,
        date: ops.adapt_datefield_value,
    }
    return lambda v: v if type(v) in PLAIN else by_type.get(type(v), slow)(v)


def _values(row: Model | dict, fields: Sequence[Field], defaults: dict, prepare) -> tuple:
    if isinstance(row, Model):
        raw = [getattr(row, f.attname) for f in fields]
    else:
        raw = [row[f.attname] if f.attname in row else defaults[f.attname]() for f in fields]
    return tuple(p(v) for p, v in zip(prepare, raw, strict=True))


def insert(model: type[Model], rows: Iterable[Model | dict]) -> int:
    """Insert rows of `model` in batches; returns how many."""
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    fields = _fields(model)
    defaults = _defaults(fields)
    prepare = [_preparer(f, connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    write = _copy if connection.vendor == "postgresql" else _executemany
    count = 0
    batch: list[tuple] = []
    for row in rows:
        batch.append(_values(row, fields, defaults, prepare))
        if len(batch) >= BATCH:
            count += write(connection, table, columns, len(fields), batch)
            batch = []
    if batch:
        count += write(connection, table, columns, len(fields), batch)
    return count


def _executemany(connection, table: str, columns: str, width: int, batch: list[tuple]) -> int:
    placeholders = ", ".join(["%s"] * width)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch)
    return len(batch)


def _copy(connection, table: str, columns: str, width: int, batch: list[tuple]) -> int:
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in batch:
                copy.write_row(values)
    return len(batch)

"""Statements of a fixed shape, written once from the models' metadata.

Every request reads the same few rows before it reaches its page: its session and its user (or
an API token), the user's sites, an agent's break-the-glass accesses. The ORM builds and
compiles each of those statements anew every time, a quarter to half a millisecond of CPU each
(more with a join), for SQL that never changes. A `Select` writes such a statement once per
database, from the models' `_meta` (tables and columns), and turns its rows into model
instances with `Model.from_db`, as the ORM does; the related rows it joins are cached on them as
`select_related` caches them.
(The access log's two statements are written the same way: `audit.services._statements`.)

Only for statements that never change shape and are read on most requests: everything else is
written with the ORM.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignKey, Model

Quote = Callable[[str], str]  # the database's quoting of a table's or a column's name

# The table's alias in a Select's SQL; the rows it joins are j1, j2...
MAIN = "t"


def columns(model: type[Model], alias: str, connection: BaseDatabaseWrapper) -> str:
    """Every concrete column of `model`, as `alias."column"`, in the order of its fields."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(_column(f))}" for f in model._meta.concrete_fields)


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None  # a concrete field has its column
    return field.column


def db_value(field: Field[Any, Any], value: object, connection: BaseDatabaseWrapper) -> object:
    """`value` as the database receives it for `field` (a UUID as SQLite keeps it, a date...)."""
    return field.get_db_prep_value(value, connection)


class Select[M: Model]:
    """`SELECT` every column of `model`, and of the rows its foreign keys `joined` point to, then
    `tail` (joins, `WHERE`, `ORDER BY`, `LIMIT`), written once per database.

    `tail(quote)` writes the rest of the statement with the table as `t` (`MAIN`); `quote` is
    the database's quoting of names. Parameters are the database's `%s`. The values read go
    through the converters the ORM applies (a UUID or a date read from SQLite's text...).
    """

    def __init__(
        self,
        model: type[M],
        tail: Callable[[Quote], str],
        joined: Sequence[str] = (),
    ) -> None:
        self.model, self.tail, self.joined = model, tail, tuple(joined)
        self._prepared: dict[str, _Prepared] = {}

    def parts(self) -> list[tuple[type[Model], ForeignKey[Any, Any] | None]]:
        """The models read, each with its foreign key from the main one (None for it)."""
        found: list[tuple[type[Model], ForeignKey[Any, Any] | None]] = [(self.model, None)]
        for name in self.joined:
            field = self.model._meta.get_field(name)
            assert isinstance(field, ForeignKey), f"{self.model.__name__}.{name}: not a foreign key"
            related = field.related_model
            assert isinstance(related, type) and issubclass(related, Model)
            found.append((related, field))
        return found

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        """The statement for this database."""
        return self._prepare(connection).sql

    def _prepare(self, connection: BaseDatabaseWrapper) -> "_Prepared":
        found = self._prepared.get(connection.alias)
        if found is None:
            found = self._prepared[connection.alias] = _Prepared(self, connection)
        return found

    def run(self, params: Callable[[BaseDatabaseWrapper], Sequence[Any]]) -> list[M]:
        """The rows, as instances. `params(connection)` gives the statement's parameters as
        that database takes them (see `db_value`)."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        prepared = self._prepare(connection)
        with connection.cursor() as cursor:
            cursor.execute(prepared.sql, params(connection))
            rows = cursor.fetchall()
        return [prepared.instance(row, connection) for row in rows]


class _Prepared:
    """A Select's SQL for one database, and how its rows become instances."""

    def __init__(self, select: Select[Any], connection: BaseDatabaseWrapper) -> None:
        quote = connection.ops.quote_name
        self.alias = connection.alias
        selected, joins = [], []
        # For each model read: its fields' names, where its primary key is, its foreign key
        # from the main model (None for the main model), and the converters of its columns.
        self.parts: list[tuple[type[Any], list[str], int, ForeignKey[Any, Any] | None]] = []
        self.converters: list[tuple[int, list[Any], Any]] = []
        at = 0
        for i, (model, via) in enumerate(select.parts()):
            table = MAIN if via is None else f"j{i}"
            selected.append(columns(model, table, connection))
            if via is not None:
                joins.append(
                    f"LEFT OUTER JOIN {quote(model._meta.db_table)} {table} "
                    f"ON {table}.{quote(_column(via.target_field))} = {MAIN}.{quote(_column(via))} "
                )
            fields = model._meta.concrete_fields
            for field in fields:
                col = field.get_col(table)
                found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if found:
                    self.converters.append((at, found, col))
                at += 1
            pk = model._meta.pk
            assert pk is not None
            self.parts.append((model, [f.attname for f in fields], fields.index(pk), via))
        self.sql = (
            f"SELECT {', '.join(selected)} FROM {quote(select.model._meta.db_table)} {MAIN} "
            + "".join(joins)
            + select.tail(quote)
        )

    def instance(self, row: Sequence[Any], connection: BaseDatabaseWrapper) -> Any:
        values = list(row)
        for at, converters, col in self.converters:
            for convert in converters:
                values[at] = convert(values[at], col, connection)
        (model, names, _pk_at, _via), *joined = self.parts
        obj = model.from_db(self.alias, names, values[: len(names)])
        start = len(names)
        for model, names, pk_at, via in joined:
            taken = values[start : start + len(names)]
            start += len(names)
            assert via is not None
            # A join that found nothing leaves NULLs: the relation is cached as None.
            rel = None if taken[pk_at] is None else model.from_db(self.alias, names, taken)
            via.set_cached_value(obj, rel)
        return obj

"""A database's schema as the tests compare it, and a new empty database of the suite's engine.

The test databases are built from the models (`--nomigrations`); the backup drill applies the
migrations to a new database of the same engine and compares the two with `snapshot`: the same
tables, the same columns (type and nullability), the same keys, indexes and constraints. Names
are left out: an index or a constraint keeps the name a migration gave it, which the models may
give otherwise. Compared so, the two differed on PostgreSQL by the trigram indexes that a
migration makes and no model declares (see `orienta/conftest.py`).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.apps import apps
from django.db import connection

# Printed as JSON by `manage.py shell -c` in another instance's environment.
SNAPSHOT = (
    "import json; from django.db import connection; "
    "from orienta.testing.schema import snapshot; print(json.dumps(snapshot(connection)))"
)


def _django_tables() -> set[str]:
    """The tables of Django's own apps and the migrations' record: Django's migrations make
    them, and they differ from its models in places (the auto-created many-to-many tables of
    `auth` take the project's BigAutoField when migrated)."""
    return {"django_migrations"} | {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.app_config.name.startswith("orienta.")
    }


def snapshot(conn) -> dict[str, dict[str, list]]:
    """Every table of `conn` but Django's own: its columns (name, type, nullable) and its
    constraints (columns, primary key, unique, foreign key, index, check, index type), each list
    sorted, nothing named. A table no model has is there too."""
    tables: dict[str, dict[str, list]] = {}
    introspection = conn.introspection
    django = _django_tables()
    with conn.cursor() as cursor:
        names = [t.name for t in introspection.get_table_list(cursor) if t.type == "t"]
        for table in sorted(set(names) - django):
            columns = sorted(
                [c.name, str(c.type_code), bool(c.null_ok)]
                for c in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                [
                    list(c["columns"] or ()),
                    bool(c["primary_key"]),
                    bool(c["unique"]),
                    list(c["foreign_key"] or ()),
                    bool(c["index"]),
                    bool(c["check"]),
                    str(c.get("type") or ""),
                ]
                for c in introspection.get_constraints(cursor, table).values()
            )
            tables[table] = {"columns": columns, "constraints": constraints}
    return tables


@contextmanager
def new_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of the engine the tests run on: an SQLite file in
    `folder`, or a PostgreSQL database on the test database's server, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{folder / 'new.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_new"
    quoted = connection.ops.quote_name(name)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    url = urlsplit(os.environ["DATABASE_URL"])
    try:
        yield urlunsplit(url._replace(path=f"/{name}"))
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")

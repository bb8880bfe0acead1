"""Trigram indexes on the names, on PostgreSQL: the registry's search by name (`icontains`, i.e.
`UPPER(name) LIKE UPPER('%word%')`) reads the index instead of every person of the site.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner creates it. SQLite keeps
the plain scan (a node holds one site's persons)."""

from django.db import migrations

INDEXES = {
    "person_given_name_trgm": "given_name",
    "person_family_name_trgm": "family_name",
    "person_other_names_trgm": "other_names",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_person "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0006_names_and_codes_refuse_bidi_controls")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

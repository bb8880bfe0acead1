"""Match keys gain the compound ``c:`` keys (a given name with the beginning of the family
name): every person's keys are derived again. `manage.py rebuild_match_keys` does the same."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from orienta.people.services import match_keys_rebuild

    match_keys_rebuild()


class Migration(migrations.Migration):
    # A batch of persons per transaction: a national registry is rebuilt in minutes without
    # holding one transaction open over it.
    atomic = False

    dependencies = [("people", "0004_match_key_site_required")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True)]

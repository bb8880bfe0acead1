"""The first version of the OCA tool (orienta/partners/oca_default.py)."""

from django.db import migrations

from orienta.partners import oca_default


def seed(apps, schema_editor):
    Tool = apps.get_model("partners", "Tool")
    if not Tool.objects.filter(code=oca_default.CODE).exists():
        Tool.objects.create(
            code=oca_default.CODE, name=oca_default.NAME, definition=oca_default.definition()
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Match keys carry their person's site, so a duplicate search reads only its scope's postings.

The column is filled here and made required in the next migration: on PostgreSQL the rows
just updated hold deferred foreign-key checks that forbid altering the table in the same
transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_sites(apps, schema_editor):
    PersonMatchKey = apps.get_model("people", "PersonMatchKey")
    Person = apps.get_model("people", "Person")
    site = Person.objects.filter(pk=models.OuterRef("person_id")).values("site_id")[:1]
    PersonMatchKey.objects.update(site_id=models.Subquery(site))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("people", "0002_consent_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="personmatchkey",
            name="site",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="core.site",
            ),
        ),
        migrations.RunPython(copy_sites, migrations.RunPython.noop, elidable=True),
    ]

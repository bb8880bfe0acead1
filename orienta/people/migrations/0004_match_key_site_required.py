"""Match keys' site is required and indexed with the key (filled by 0003)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0003_match_key_site")]

    operations = [
        migrations.AlterField(
            model_name="personmatchkey",
            name="site",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="core.site",
            ),
        ),
        migrations.AlterField(
            model_name="personmatchkey",
            name="key",
            field=models.CharField(max_length=40),
        ),
        migrations.AddIndex(
            model_name="personmatchkey",
            index=models.Index(fields=["key", "site", "person"], name="match_key_site"),
        ),
    ]

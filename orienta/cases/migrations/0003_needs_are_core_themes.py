"""A case's needs are core's themes now (see core 0005); the database does not change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_list_indexes"),
        ("core", "0005_theme"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="needs",
                    field=models.ManyToManyField(
                        related_name="cases", to="core.theme", verbose_name="needs"
                    ),
                ),
            ],
        ),
    ]

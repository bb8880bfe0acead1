"""Visits' themes are core's model now (see core 0005); the database does not change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_theme"),
        ("frontdesk", "0002_seed_themes"),
        # Every field that pointed to the front desk's model points to core's before it goes.
        ("cases", "0003_needs_are_core_themes"),
        ("directory", "0002_taxonomy_is_core_themes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="visit",
                    name="themes",
                    field=models.ManyToManyField(
                        related_name="visits", to="core.theme", verbose_name="themes"
                    ),
                ),
                migrations.DeleteModel(name="Theme"),
            ],
        ),
    ]

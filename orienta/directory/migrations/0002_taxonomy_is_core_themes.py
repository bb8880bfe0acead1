"""A service's themes are core's themes now (see core 0005); the database does not change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("core", "0005_theme"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="service",
                    name="themes",
                    field=models.ManyToManyField(
                        blank=True, related_name="services", to="core.theme", verbose_name="themes"
                    ),
                ),
            ],
        ),
    ]

"""The themes' table takes core's name (frontdesk_theme -> core_theme). The tables of visits'
themes, cases' needs and services' themes keep their rows; their foreign keys follow the
renamed table (PostgreSQL by reference, SQLite by its rename of references)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_theme"),
        ("frontdesk", "0003_theme_moves_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="theme", table=None),
    ]

"""Visits are corrected or voided by new versions: a version points to the one it replaces
(`supersedes`), says why (`change_reason`) and, when it voids the visit, when (`voided_at`).
Existing visits are unchanged: each is its own current version."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0003_theme_moves_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="change_reason",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="reason for the change"
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="frontdesk.visit",
                verbose_name="version it replaces",
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="voided_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="voided at"
            ),
        ),
        migrations.AddConstraint(
            model_name="visit",
            constraint=models.CheckConstraint(
                condition=models.Q(("voided_at__isnull", True), ("supersedes__isnull", False), _connector="OR"),
                name="visit_voided_as_a_new_version",
            ),
        ),
    ]

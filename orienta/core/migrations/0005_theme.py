"""The programme's themes move from the front desk to core, rows and table untouched: the
directory's taxonomy and the cases' needs are themes too, and apps below the front desk must
reach them. Only Django's state moves here; the table is renamed by 0006 once every field
points to core's model. The content type moves too, so permissions given on themes stay."""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="core", model="theme").exists():
        ContentType.objects.using(db).filter(app_label="frontdesk", model="theme").update(
            app_label="core"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="frontdesk", model="theme").exists():
        ContentType.objects.using(db).filter(app_label="core", model="theme").update(
            app_label="frontdesk"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_retention_period"),
        ("frontdesk", "0002_seed_themes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Theme",
                    fields=[
                        (
                            "code",
                            models.SlugField(
                                max_length=40, primary_key=True, serialize=False, verbose_name="code"
                            ),
                        ),
                        ("name_fr", models.CharField(max_length=120, verbose_name="name (French)")),
                        (
                            "name_pt",
                            models.CharField(max_length=120, verbose_name="name (Portuguese)"),
                        ),
                        ("name_en", models.CharField(max_length=120, verbose_name="name (English)")),
                        (
                            "position",
                            models.PositiveSmallIntegerField(default=0, verbose_name="position"),
                        ),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "theme",
                        "verbose_name_plural": "themes",
                        "ordering": ["position", "code"],
                        "db_table": "frontdesk_theme",
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]

from django.db import migrations

COUNTRIES = [
    ("TD", "Tchad", "Chade", "Chad", "XAF", "fr", "Africa/Ndjamena", "+235"),
    ("MZ", "Mozambique", "Moçambique", "Mozambique", "MZN", "pt", "Africa/Maputo", "+258"),
    ("GW", "Guinée-Bissau", "Guiné-Bissau", "Guinea-Bissau", "XOF", "pt", "Africa/Bissau", "+245"),
]


def seed(apps, schema_editor):
    from orienta.lib.ids import uuid7

    Country = apps.get_model("core", "Country")
    for code, fr, pt, en, currency, lang, tz, prefix in COUNTRIES:
        Country.objects.update_or_create(
            code=code,
            defaults=dict(name_fr=fr, name_pt=pt, name_en=en, currency=currency, language=lang,
                          timezone=tz, phone_prefix=prefix),
            create_defaults=dict(id=uuid7(), name_fr=fr, name_pt=pt, name_en=en,
                                 currency=currency, language=lang, timezone=tz,
                                 phone_prefix=prefix),
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

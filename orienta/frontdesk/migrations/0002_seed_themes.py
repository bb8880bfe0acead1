from django.db import migrations

# The programme's themes (Particip'Action), in French, Portuguese and English.
THEMES = [
    ("civil_registration", "État civil et documents", "Registo civil e documentos",
     "Civil registration and documents"),
    ("rights", "Droits et aide juridique", "Direitos e apoio jurídico", "Rights and legal aid"),
    ("health", "Santé (dont santé sexuelle et reproductive)",
     "Saúde (incluindo saúde sexual e reprodutiva)",
     "Health (including sexual and reproductive health)"),
    ("education", "Éducation", "Educação", "Education"),
    ("vocational_training", "Formation professionnelle", "Formação profissional",
     "Vocational training"),
    ("employment", "Emploi et activités génératrices de revenus",
     "Emprego e atividades geradoras de rendimento",
     "Employment and income-generating activities"),
    ("social_protection", "Protection sociale et assistance", "Proteção social e assistência",
     "Social protection and assistance"),
    ("gbv", "Violences basées sur le genre", "Violência baseada no género",
     "Gender-based violence"),
    ("child_protection", "Protection de l'enfant", "Proteção da criança", "Child protection"),
    ("disability", "Handicap", "Deficiência", "Disability"),
    ("housing", "Logement", "Habitação", "Housing"),
    ("other", "Autre", "Outro", "Other"),
]


def seed(apps, schema_editor):
    seed_into(apps.get_model("frontdesk", "Theme"))


def seed_into(Theme):
    """Write the themes into `Theme` (the model has since moved to core: tests that flushed the
    table call this with core's model)."""
    for position, (code, fr, pt, en) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(
            code=code, defaults=dict(name_fr=fr, name_pt=pt, name_en=en, position=position * 10)
        )


class Migration(migrations.Migration):
    dependencies = [("frontdesk", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

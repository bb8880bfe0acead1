"""Demo families: an instrument per country (the weighted score in Chad and Guinea-Bissau, the
counting rule in Mozambique), and at each site a dozen households assessed four months ago;
the most vulnerable are accompanied with a plan, some reassessed since (most of them better),
one graduated, and the others due for reassessment on the worklist. Written through the
services, as the site's agents and M&E."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import translation

from orienta.core.access import can_record
from orienta.families import scoring, services
from orienta.families.models import CATEGORY_RANK
from orienta.people.models import Household

HOUSEHOLDS_PER_SITE = 12
ENROLLED = 5
FIRST_DAYS_AGO = 120
RULES = {"TD": scoring.WEIGHTED, "MZ": scoring.COUNTING, "GW": scoring.WEIGHTED}


def _label(fr: str, pt: str, en: str) -> dict[str, str]:
    return {"fr": fr, "pt": pt, "en": en}


YES_NO = [
    ("yes", _label("Oui", "Sim", "Yes"), 0),
    ("partly", _label("En partie", "Em parte", "Partly"), 50),
    ("no", _label("Non", "Não", "No"), 100),
]
# (dimension code, label, weight, [(indicator code, question, weight)]); every question is
# answered yes, partly or no, "no" being the difficulty.
QUESTIONS = [
    (
        "income",
        _label("Revenus et travail", "Rendimento e trabalho", "Income and work"),
        2,
        [
            (
                "regular_income",
                _label(
                    "Un adulte a-t-il un revenu régulier ?",
                    "Algum adulto tem rendimento regular?",
                    "Does an adult have a regular income?",
                ),
                2,
            ),
            (
                "savings",
                _label(
                    "La famille peut-elle faire face à une dépense imprévue ?",
                    "A família consegue enfrentar uma despesa imprevista?",
                    "Can the family face an unexpected expense?",
                ),
                1,
            ),
        ],
    ),
    (
        "food",
        _label("Alimentation", "Alimentação", "Food"),
        2,
        [
            (
                "meals",
                _label(
                    "Tous mangent-ils deux repas par jour ?",
                    "Todos comem duas refeições por dia?",
                    "Does everyone eat two meals a day?",
                ),
                1,
            )
        ],
    ),
    (
        "housing",
        _label("Logement et eau", "Habitação e água", "Housing and water"),
        1,
        [
            (
                "water",
                _label(
                    "La famille a-t-elle de l’eau potable ?",
                    "A família tem água potável?",
                    "Does the family have safe water?",
                ),
                1,
            ),
            (
                "shelter",
                _label(
                    "Le logement protège-t-il de la pluie ?",
                    "A habitação protege da chuva?",
                    "Does the home keep out the rain?",
                ),
                1,
            ),
        ],
    ),
    (
        "health",
        _label("Santé", "Saúde", "Health"),
        1,
        [
            (
                "care",
                _label(
                    "La famille peut-elle se soigner quand il le faut ?",
                    "A família consegue tratar-se quando precisa?",
                    "Can the family get care when needed?",
                ),
                1,
            )
        ],
    ),
    (
        "education",
        _label("Scolarité des enfants", "Escolaridade das crianças", "Children's schooling"),
        1,
        [
            (
                "school",
                _label(
                    "Les enfants en âge d’aller à l’école y vont-ils ?",
                    "As crianças em idade escolar frequentam a escola?",
                    "Do the school-age children go to school?",
                ),
                1,
            )
        ],
    ),
    (
        "documents",
        _label("Papiers et droits", "Documentos e direitos", "Documents and rights"),
        1,
        [
            (
                "birth_registered",
                _label(
                    "Tous les enfants ont-ils un acte de naissance ?",
                    "Todas as crianças têm registo de nascimento?",
                    "Do all children have a birth certificate?",
                ),
                1,
            )
        ],
    ),
    (
        "protection",
        _label("Protection et sécurité", "Proteção e segurança", "Protection and safety"),
        1,
        [
            (
                "safe_home",
                _label(
                    "Chacun se sent-il en sécurité à la maison ?",
                    "Todos se sentem seguros em casa?",
                    "Does everyone feel safe at home?",
                ),
                1,
            )
        ],
    ),
    (
        "ties",
        _label("Liens sociaux", "Laços sociais", "Social ties"),
        1,
        [
            (
                "support",
                _label(
                    "La famille peut-elle compter sur quelqu’un ?",
                    "A família pode contar com alguém?",
                    "Can the family count on someone?",
                ),
                1,
            )
        ],
    ),
]
NAMES = {
    "TD": "Indice de vulnérabilité des familles",
    "MZ": "Índice de vulnerabilidade das famílias",
    "GW": "Índice de vulnerabilidade das famílias",
}
GOALS = {
    "fr": {
        "income": "Démarrer une activité génératrice de revenus",
        "documents": "Obtenir les actes de naissance des enfants",
        "education": "Inscrire les enfants à l’école",
        "food": "Deux repas par jour pour tous",
    },
    "pt": {
        "income": "Iniciar uma atividade geradora de rendimento",
        "documents": "Obter o registo de nascimento das crianças",
        "education": "Matricular as crianças na escola",
        "food": "Duas refeições por dia para todos",
    },
}


def definition(rule: str) -> dict:
    return {
        "rule": rule,
        "k": "0.33",
        "cutoffs": {"moderate": 25, "high": 45, "very_high": 65},
        "dimensions": [
            {
                "code": code,
                "label": label,
                "weight": weight,
                "indicators": [
                    {
                        "code": i_code,
                        "label": question,
                        "weight": i_weight,
                        "deprived_from": 50,
                        "options": [{"code": c, "label": lab, "score": s} for c, lab, s in YES_NO],
                    }
                    for i_code, question, i_weight in indicators
                ],
            }
            for code, label, weight, indicators in QUESTIONS
        ],
    }


def _answers(ctx, hardship: float) -> dict[str, str]:
    """Answers for a family whose difficulties are about `hardship` (0 to 1)."""
    found = {}
    for _code, _name, _weight, indicators in QUESTIONS:
        for code, _question, _w in indicators:
            draw = ctx.rng.random()
            found[code] = (
                "no" if draw < hardship else ("partly" if draw < hardship + 0.25 else "yes")
            )
    return found


def build(ctx) -> None:
    editor = ctx.users.get("me-hq")
    if editor is None:
        return
    instruments = {
        code: services.instrument_create(
            country=country,
            code="ivf",
            name=NAMES.get(code, "IVF"),
            definition=definition(RULES.get(code, scoring.WEIGHTED)),
            by=editor,
        )
        for code, country in ctx.countries.items()
    }
    for site in ctx.sites.values():
        agents = [
            u for u in ctx.users.values() if can_record(u) and u.sites.filter(pk=site.pk).exists()
        ]
        instrument = instruments.get(site.country.code)
        if agents and instrument is not None:
            _site(ctx, site, agents[0], instrument)


def _site(ctx, site, agent, instrument) -> None:
    today = ctx.now.astimezone(ZoneInfo(site.timezone)).date()
    first = today - timedelta(days=FIRST_DAYS_AGO)
    households = list(Household.objects.filter(site=site).order_by("code")[:HOUSEHOLDS_PER_SITE])
    assessed = []
    for household in households:
        made = services.assessment_record(
            household=household,
            instrument=instrument,
            answers=_answers(ctx, ctx.rng.uniform(0.1, 0.7)),
            by=agent,
            assessed_on=first + timedelta(days=ctx.rng.randint(0, 10)),
        )
        assessed.append(made)
    assessed.sort(key=lambda a: (CATEGORY_RANK[a.category], a.score), reverse=True)
    language = "pt" if site.country.language.startswith("pt") else "fr"
    for n, assessment in enumerate(assessed[:ENROLLED]):
        _accompany(ctx, agent, instrument, assessment, n, language, today)
    ctx.counts.setdefault(site.code, {})["families assessed"] = len(assessed)


def _accompany(ctx, agent, instrument, assessment, n, language, today) -> None:
    household = assessment.household
    with translation.override(language):  # written by the site's agent, in their language
        criteria = str(assessment.get_category_display())
    enrolment = services.enrolment_open(
        household=household,
        by=agent,
        criteria=criteria,
        consent=True,
        enrolled_on=assessment.assessed_on,
    )
    for dimension in ctx.rng.sample(sorted(GOALS[language]), 2):
        services.goal_add(
            enrolment=enrolment, dimension=dimension, text=GOALS[language][dimension], by=agent
        )
    if n >= 3:  # the last two are due for reassessment (overdue) on the worklist
        return
    again = min(assessment.assessed_on + timedelta(days=91), today)
    services.assessment_record(
        household=household,
        instrument=instrument,
        answers=_answers(ctx, 0.1 if n < 2 else 0.5),
        by=agent,
        assessed_on=again,
    )
    if n == 0:
        services.enrolment_exit(enrolment=enrolment, reason="graduated", by=agent, exited_on=again)

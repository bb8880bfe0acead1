"""A small instrument with hand-countable weights, and helpers to assess households."""

from orienta.families import services

# Food weighs twice housing; water weighs three times the roof. Hand-computed results are in
# test_scoring.py.
DEFINITION = {
    "rule": "weighted",
    "k": "0.4",
    "cutoffs": {"moderate": 25, "high": 50, "very_high": 75},
    "dimensions": [
        {
            "code": "food",
            "label": {"fr": "Alimentation", "pt": "Alimentação", "en": "Food"},
            "weight": 2,
            "indicators": [
                {
                    "code": "meals",
                    "label": {
                        "fr": "Repas par jour",
                        "pt": "Refeições por dia",
                        "en": "Meals a day",
                    },
                    "weight": 1,
                    "deprived_from": 50,
                    "options": [
                        {
                            "code": "three",
                            "label": {"fr": "Trois", "pt": "Três", "en": "Three"},
                            "score": 0,
                        },
                        {
                            "code": "two",
                            "label": {"fr": "Deux", "pt": "Duas", "en": "Two"},
                            "score": 50,
                        },
                        {
                            "code": "one",
                            "label": {
                                "fr": "Un ou moins",
                                "pt": "Uma ou menos",
                                "en": "One or fewer",
                            },
                            "score": 100,
                        },
                    ],
                },
                {
                    "code": "diet",
                    "label": {
                        "fr": "Repas variés",
                        "pt": "Refeições variadas",
                        "en": "Varied meals",
                    },
                    "weight": 1,
                    "deprived_from": 50,
                    "options": [
                        {
                            "code": "yes",
                            "label": {"fr": "Oui", "pt": "Sim", "en": "Yes"},
                            "score": 0,
                        },
                        {
                            "code": "no",
                            "label": {"fr": "Non", "pt": "Não", "en": "No"},
                            "score": 100,
                        },
                    ],
                },
            ],
        },
        {
            "code": "housing",
            "label": {"fr": "Logement et eau", "pt": "Habitação e água", "en": "Housing and water"},
            "weight": 1,
            "indicators": [
                {
                    "code": "water",
                    "label": {"fr": "Eau potable", "pt": "Água potável", "en": "Safe water"},
                    "weight": 3,
                    "deprived_from": 50,
                    "options": [
                        {
                            "code": "yes",
                            "label": {"fr": "Oui", "pt": "Sim", "en": "Yes"},
                            "score": 0,
                        },
                        {
                            "code": "no",
                            "label": {"fr": "Non", "pt": "Não", "en": "No"},
                            "score": 100,
                        },
                    ],
                },
                {
                    "code": "roof",
                    "label": {"fr": "Toit solide", "pt": "Telhado sólido", "en": "Solid roof"},
                    "weight": 1,
                    "deprived_from": 50,
                    "options": [
                        {
                            "code": "yes",
                            "label": {"fr": "Oui", "pt": "Sim", "en": "Yes"},
                            "score": 0,
                        },
                        {
                            "code": "no",
                            "label": {"fr": "Non", "pt": "Não", "en": "No"},
                            "score": 100,
                        },
                    ],
                },
            ],
        },
    ],
}

WORST = {"meals": "one", "diet": "no", "water": "no", "roof": "no"}
BETTER = {"meals": "two", "diet": "yes", "water": "yes", "roof": "no"}


def definition(rule: str = "weighted", **changes) -> dict:
    import copy

    found = copy.deepcopy(DEFINITION)
    found["rule"] = rule
    found.update(changes)
    return found


def make_instrument(country, by, *, rule="weighted", code="vuln"):
    return services.instrument_create(
        country=country, code=code, name="Vulnérabilité", definition=definition(rule), by=by
    )


def make_household(person, agent):
    from orienta.people.services import household_create

    return household_create(head=person, by=agent)

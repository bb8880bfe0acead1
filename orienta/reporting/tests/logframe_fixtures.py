"""A small logframe for the tests: one objective, one result, a computed indicator
(PERSONS_WELCOMED) and one entered by hand (awareness sessions)."""

from orienta.reporting.models import LogframeIndicator, Objective, Result


def make_logframe() -> dict:
    objective = Objective.objects.create(
        code="OS1",
        level=Objective.Level.SPECIFIC,
        statement_fr="Promouvoir l’accès aux services sociaux de base.",
        statement_pt="Promover o acesso aos serviços sociais básicos.",
        statement_en="Promote access to basic social services.",
    )
    result = Result.objects.create(
        objective=objective,
        code="R1.2",
        kind=Result.Kind.OUTPUT,
        statement_fr="Les personnes sont accueillies et orientées.",
        statement_pt="As pessoas são acolhidas e orientadas.",
        statement_en="People are welcomed and referred.",
    )
    computed = LogframeIndicator.objects.create(
        result=result, code="IND-WELCOMED", indicator_code="PERSONS_WELCOMED", position=1
    )
    by_hand = LogframeIndicator.objects.create(
        result=result,
        code="IND-SESSIONS",
        unit="events",
        name_fr="Sensibilisations organisées",
        name_pt="Sensibilizações organizadas",
        name_en="Awareness sessions held",
        position=2,
    )
    return {"objective": objective, "result": result, "computed": computed, "hand": by_hand}


def make_hand_value(indicator, country, by):
    """A value entered by hand for the country, January 2026."""
    from decimal import Decimal

    from orienta.reporting.logframe_services import FigureScope, hand_value_record

    return hand_value_record(
        indicator=indicator,
        period="2026-01",
        scope=FigureScope(country),
        value=Decimal(3),
        source="Registre",
        by=by,
    )

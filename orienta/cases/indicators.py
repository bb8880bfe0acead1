"""The cases' indicators: cases opened, and cases closed with the person's needs met.

A case counts at its site on its opening (or closing) date; deleted cases are not counted,
sensitive ones are (only their number leaves the case). The theme is the case's needs.
"""

from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.cases.models import Case, ClosureReason, Status
from orienta.core.aggregates import grouped, in_period, matching, place_expressions
from orienta.lib.indicators import (
    AGE_BAND,
    COUNTRY,
    DISABILITY,
    MIGRATION_STATUS,
    SEX,
    SITE,
    THEME,
    UP,
    Indicator,
    Query,
    Record,
    Row,
    Unit,
    register,
)
from orienta.people.aggregates import person_expressions, person_records

DIMENSIONS = (SEX, AGE_BAND, DISABILITY, MIGRATION_STATUS, COUNTRY, SITE, THEME)


def _opened(query: Query) -> QuerySet[Case]:
    return Case.objects.filter(
        in_period("opened_at", query.period, query.scope), deleted_at__isnull=True
    )


def _closed_needs_met(query: Query) -> QuerySet[Case]:
    return Case.objects.filter(
        in_period("closed_at", query.period, query.scope),
        deleted_at__isnull=True,
        status=Status.CLOSED,
        closure_reason=ClosureReason.NEEDS_MET,
    )


def _exprs(query: Query) -> dict[str, Any]:
    return (
        person_expressions("person__", query.on, query.age_bands)
        | place_expressions()
        | {THEME: F("needs")}
    )


def _count(qs: QuerySet[Case], query: Query) -> list[Row]:
    found = grouped(qs, query.by, _exprs(query), value=Count("pk", distinct=True))
    return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]


def cases_opened(query: Query) -> list[Row]:
    return _count(_opened(query), query)


def cases_closed_needs_met(query: Query) -> list[Row]:
    return _count(_closed_needs_met(query), query)


def opened_records(query: Query, key: dict[str, str], limit: int) -> list[Record]:
    return person_records(matching(_opened(query), key, _exprs(query)), limit)


def closed_records(query: Query, key: dict[str, str], limit: int) -> list[Record]:
    return person_records(matching(_closed_needs_met(query), key, _exprs(query)), limit)


register(
    Indicator(
        code="CASES_OPENED",
        name=_("Cases opened"),
        definition=_("Cases (follow-up of a person) opened in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=DIMENSIONS,
        compute=cases_opened,
        records=opened_records,
    )
)
register(
    Indicator(
        code="CASES_CLOSED_NEEDS_MET",
        name=_("Cases closed with needs met"),
        definition=_("Cases closed in the period with the reason “needs met”."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=DIMENSIONS,
        compute=cases_closed_needs_met,
        records=closed_records,
    )
)

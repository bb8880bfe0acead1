"""The support fund's indicators: persons whose service the fund paid, and the amounts paid.

A payment counts on the date it was paid (a local date), at its site, unless it was reversed.
Amounts are in the fund's local currency (XAF, MZN, XOF) or in euros at the period's rate of
the request; a local figure mixing currencies (several countries) has no value.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from orienta.core.aggregates import grouped, in_period_dates, matching, place_expressions
from orienta.fund.models import Payment
from orienta.lib.indicators import (
    AGE_BAND,
    COUNTRY,
    DISABILITY,
    MIGRATION_STATUS,
    SEX,
    SITE,
    UP,
    Indicator,
    Query,
    Record,
    Row,
    Unit,
    register,
)
from orienta.people.aggregates import person_expressions, person_records

DIMENSIONS = (SEX, AGE_BAND, DISABILITY, MIGRATION_STATUS, COUNTRY, SITE)
PERSON = "request__person__"


def _paid(query: Query) -> QuerySet[Payment]:
    return Payment.objects.filter(
        in_period_dates("paid_on", query.period, query.scope),
        reversed_at__isnull=True,
        deleted_at__isnull=True,
    )


def _exprs(query: Query) -> dict[str, Any]:
    return person_expressions(PERSON, query.on, query.age_bands) | place_expressions()


def _persons() -> Count:
    return Count(Coalesce(F(f"{PERSON}merged_into_id"), F(f"{PERSON}id")), distinct=True)


def persons_paid(query: Query) -> list[Row]:
    found = grouped(_paid(query), query.by, _exprs(query), value=_persons())
    return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]


def amount_paid(query: Query) -> list[Row]:
    """In local currency: per key, the sum if all its payments are in one currency."""
    found = grouped(
        _paid(query),
        (*query.by, "currency"),
        _exprs(query) | {"currency": F("request__currency")},
        value=Sum("request__amount"),
        persons=_persons(),
    )
    sums: dict[tuple[str, ...], list[tuple[Decimal, int]]] = defaultdict(list)
    for key, v in found:
        sums[key[:-1]].append((v["value"] or Decimal(0), v["persons"]))
    return [
        Row(key, parts[0][0] if len(parts) == 1 else None, sum(n for _v, n in parts))
        for key, parts in sorted(sums.items())
    ]


def amount_paid_eur(query: Query) -> list[Row]:
    found = grouped(
        _paid(query), query.by, _exprs(query), value=Sum("request__amount_eur"), persons=_persons()
    )
    return [Row(key, v["value"], v["persons"]) for key, v in sorted(found) if v["persons"]]


def records_for(query: Query, key: dict[str, str], limit: int) -> list[Record]:
    return person_records(matching(_paid(query), key, _exprs(query)), limit, PERSON)


COMMON: dict[str, Any] = {"direction": UP, "dimensions": DIMENSIONS, "records": records_for}
register(
    Indicator(
        code="FUND_PERSONS_PAID",
        name=_("Persons whose service the fund paid"),
        definition=_(
            "Distinct persons for whom the support fund paid a service in the period; "
            "reversed payments are not counted."
        ),
        unit=Unit.PERSONS,
        compute=persons_paid,
        **COMMON,
    )
)
register(
    Indicator(
        code="FUND_AMOUNT_PAID",
        name=_("Amount paid by the fund (local currency)"),
        definition=_(
            "The support fund's payments in the period, in the fund's currency; reversed "
            "payments are not counted. Several countries together have no common figure."
        ),
        unit=Unit.AMOUNT,
        compute=amount_paid,
        **COMMON,
    )
)
register(
    Indicator(
        code="FUND_AMOUNT_PAID_EUR",
        name=_("Amount paid by the fund (EUR)"),
        definition=_(
            "The support fund's payments in the period, in euros at the rate of the fund's "
            "period; reversed payments are not counted."
        ),
        unit=Unit.AMOUNT,
        compute=amount_paid_eur,
        currency="EUR",
        **COMMON,
    )
)

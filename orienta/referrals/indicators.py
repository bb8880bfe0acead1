"""The referrals' indicators: referrals sent, the share served, and the days to service.

A referral counts from its sending date, at its site, unless it was cancelled or deleted. The
person's attributes are read on the period's last day (see `people.aggregates`); the theme is
the referred service's.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.core.aggregates import grouped, in_period, matching, place_expressions
from orienta.lib.indicators import (
    AGE_BAND,
    COUNTRY,
    DISABILITY,
    DOWN,
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
    median_row,
    ratio_row,
    register,
)
from orienta.people.aggregates import person_expressions, person_records
from orienta.referrals.models import Referral, Status

DIMENSIONS = (SEX, AGE_BAND, DISABILITY, MIGRATION_STATUS, COUNTRY, SITE, THEME)


def _sent(query: Query) -> QuerySet[Referral]:
    return Referral.objects.filter(
        in_period("sent_at", query.period, query.scope), deleted_at__isnull=True
    ).exclude(status=Status.CANCELLED)


def _exprs(query: Query) -> dict[str, Any]:
    return (
        person_expressions("person__", query.on, query.age_bands)
        | place_expressions()
        | {THEME: F("service__themes")}
    )


def referrals_sent(query: Query) -> list[Row]:
    found = grouped(_sent(query), query.by, _exprs(query), value=Count("pk", distinct=True))
    return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]


def served_rate(query: Query) -> list[Row]:
    found = grouped(
        _sent(query),
        query.by,
        _exprs(query),
        sent=Count("pk", distinct=True),
        served=Count("pk", distinct=True, filter=Q(status=Status.SERVED)),
    )
    rows = (ratio_row(key, v["served"], v["sent"]) for key, v in sorted(found))
    return [row for row in rows if row]


def days_to_service(query: Query) -> list[Row]:
    """The median number of days from sending to service, over the referrals sent in the
    period and served (to one decimal)."""
    served = _sent(query).filter(status=Status.SERVED, served_at__isnull=False)
    if query.by:
        exprs = _exprs(query)
        names = {c: f"dim_{c}" for c in query.by}
        served = served.annotate(**{names[c]: exprs[c] for c in query.by})
    durations: dict[tuple[str, ...], list[Decimal]] = defaultdict(list)
    fields = [f"dim_{c}" for c in query.by]
    for row in served.values("pk", "sent_at", "served_at", *fields).distinct():
        key = tuple(str(row[f] or "unknown") for f in fields)
        seconds = (row["served_at"] - row["sent_at"]).total_seconds()
        durations[key].append(Decimal(max(seconds, 0)) / 86400)
    rows = (median_row(key, values) for key, values in sorted(durations.items()))
    return [row for row in rows if row]


def records_for(query: Query, key: dict[str, str], limit: int) -> list[Record]:
    """The persons referred behind a figure: their codes and pages."""
    return person_records(matching(_sent(query), key, _exprs(query)), limit)


register(
    Indicator(
        code="REFERRALS_SENT",
        name=_("Referrals sent"),
        definition=_("Referrals sent to a service in the period; cancelled ones are not counted."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=DIMENSIONS,
        compute=referrals_sent,
        records=records_for,
    )
)
register(
    Indicator(
        code="REFERRALS_SERVED_RATE",
        name=_("Share of referrals served"),
        definition=_(
            "Among the referrals sent in the period (by their sending date), the share the "
            "provider confirmed as served."
        ),
        unit=Unit.RATIO,
        direction=UP,
        dimensions=DIMENSIONS,
        compute=served_rate,
        records=records_for,
    )
)
register(
    Indicator(
        code="DAYS_TO_SERVICE",
        name=_("Days from referral to service"),
        definition=_(
            "The median number of days between sending a referral and the service, over the "
            "referrals sent in the period and served."
        ),
        unit=Unit.MEDIAN,
        direction=DOWN,
        dimensions=DIMENSIONS,
        compute=days_to_service,
    )
)

"""The front desk's indicators: persons welcomed, visits, and the shares of women and youth.

Visits counted are the current versions (`Visit.objects.current()`: neither corrected since nor
voided), at the scope's sites, whose date falls in the period in the site's time zone.
Registered persons are counted once however often they came (a merged record's visits belong
to the survivor; an erased person's record stays and counts); each anonymous visit counts as
one person. A person's attributes are those recorded at the reporting date (age on the
period's last day); an anonymous visitor's age is the one given at the visit, or, for visits
recorded before the age was asked, the fixed band then chosen (reported under that band).
"""

from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, F, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from orienta.core.aggregates import grouped, in_period, matching, place_expressions
from orienta.frontdesk.models import Channel, Outcome, Visit
from orienta.lib.indicators import (
    AGE_BAND,
    CHANNEL,
    COUNTRY,
    DISABILITY,
    MIGRATION_STATUS,
    OUTCOME,
    SEX,
    SITE,
    THEME,
    UNKNOWN,
    UP,
    YOUTH_AGES,
    AgeBands,
    Dimension,
    Indicator,
    Query,
    Record,
    Row,
    Unit,
    ratio_row,
    register,
    register_dimension,
)
from orienta.people.aggregates import person_expressions, person_records

PERSON_DIMENSIONS = (SEX, AGE_BAND, DISABILITY, MIGRATION_STATUS, COUNTRY, SITE)
VISIT_DIMENSIONS = (*PERSON_DIMENSIONS, THEME, CHANNEL, OUTCOME)


def _visits(query: Query) -> QuerySet[Visit]:
    return Visit.objects.current().filter(in_period("occurred_at", query.period, query.scope))


def _common() -> dict[str, Combinable]:
    return {**place_expressions(), THEME: F("themes"), CHANNEL: F("channel"), OUTCOME: F("outcome")}


def _anonymous_age_band(bands: AgeBands) -> Case:
    """The band of the age given, or the band chosen before ages were asked."""
    whens = [When(anonymous_age__isnull=True, then=Coalesce(F("anonymous_age_band"), Value("")))]
    whens += [
        When(anonymous_age__gte=band.low, then=Value(band.code)) for band in reversed(bands.bands)
    ]
    return Case(*whens, default=Value(UNKNOWN))


def _anonymous_expressions(bands: AgeBands) -> dict[str, Combinable]:
    return {
        SEX: F("anonymous_sex"),
        AGE_BAND: _anonymous_age_band(bands),
        DISABILITY: Value(UNKNOWN),
        MIGRATION_STATUS: Value(UNKNOWN),
    }


def _person_key() -> Coalesce:
    return Coalesce(F("person__merged_into_id"), F("person_id"))


def _both(query: Query, registered_count: Any, anonymous_count: Any) -> dict[tuple[str, ...], int]:
    visits = _visits(query)
    registered = person_expressions("person__", query.on, query.age_bands) | _common()
    anonymous = _anonymous_expressions(query.age_bands) | _common()
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    parts = [
        (visits.filter(person__isnull=False), registered, registered_count),
        (visits.filter(person__isnull=True), anonymous, anonymous_count),
    ]
    for qs, exprs, count in parts:
        for key, found in grouped(qs, query.by, exprs, value=count):
            totals[key] += found["value"] or 0
    return totals


def _rows(counts: dict[tuple[str, ...], int]) -> list[Row]:
    return [Row(key, value, value) for key, value in sorted(counts.items()) if value]


def persons_welcomed(query: Query) -> list[Row]:
    return _rows(_both(query, Count(_person_key(), distinct=True), Count("pk", distinct=True)))


def visits(query: Query) -> list[Row]:
    count = Count("pk", distinct=True)
    return _rows(_both(query, count, count))


def _share(parts: dict[tuple[str, ...], int], wholes: dict[tuple[str, ...], int]) -> list[Row]:
    rows = (ratio_row(key, parts.get(key, 0), whole) for key, whole in sorted(wholes.items()))
    return [row for row in rows if row]


def _split(
    query: Query, extra: str, bands: AgeBands | None = None
) -> dict[tuple[str, ...], dict[str, int]]:
    """Persons welcomed per key of the query, split further by `extra`."""
    split = Query(query.period, query.scope, (*query.by, extra), bands or query.age_bands)
    found: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
    for row in persons_welcomed(split):
        found[row.key[:-1]][row.key[-1]] = int(row.value or 0)
    return found


def women_share(query: Query) -> list[Row]:
    found = _split(query, SEX)
    return _share(
        {k: v.get("female", 0) for k, v in found.items()},
        {k: sum(v.values()) for k, v in found.items()},
    )


def _youth_bands() -> AgeBands:
    low, high = YOUTH_AGES
    return AgeBands.parse(f"0-{low - 1},{low}-{high},{high + 1}+")


def youth_share(query: Query) -> list[Row]:
    """Persons aged 15 to 35 on the reporting date ÷ persons welcomed. Anonymous visitors
    recorded with a fixed band count as young in the 15-24 band only (the 25-59 band straddles
    the limit and is not counted as young)."""
    low, high = YOUTH_AGES
    young = {f"{low}-{high}", "15-24"}
    found = _split(query, AGE_BAND, _youth_bands())
    return _share(
        {k: sum(n for band, n in v.items() if band in young) for k, v in found.items()},
        {k: sum(v.values()) for k, v in found.items()},
    )


def _filtered(query: Query, key: dict[str, str]) -> QuerySet[Visit]:
    exprs = person_expressions("person__", query.on, query.age_bands) | _common()
    return matching(_visits(query).filter(person__isnull=False), key, exprs)


def records_for(query: Query, key: dict[str, str], limit: int) -> list[Record]:
    """The registered persons behind a figure (anonymous visits have no record to open):
    their codes and pages, at most `limit`."""
    return person_records(_filtered(query, key), limit)


def _register() -> None:
    register_dimension(Dimension(CHANNEL, _("channel"), lambda: Channel.choices))
    register_dimension(Dimension(OUTCOME, _("outcome"), lambda: Outcome.choices))
    register(
        Indicator(
            code="PERSONS_WELCOMED",
            name=_("Persons welcomed"),
            definition=_(
                "Distinct registered persons with at least one visit in the period (counted "
                "once however often they came), plus the anonymous visits."
            ),
            unit=Unit.PERSONS,
            direction=UP,
            dimensions=VISIT_DIMENSIONS,
            compute=persons_welcomed,
            records=records_for,
        )
    )
    register(
        Indicator(
            code="VISITS",
            name=_("Visits"),
            definition=_(
                "Visits in the period, registered and anonymous, as they stand after "
                "corrections; voided visits are not counted."
            ),
            unit=Unit.EVENTS,
            direction=UP,
            dimensions=VISIT_DIMENSIONS,
            compute=visits,
            records=records_for,
        )
    )
    register(
        Indicator(
            code="WOMEN_SHARE",
            name=_("Share of women among persons welcomed"),
            definition=_("Women among the persons welcomed in the period, as a share of all."),
            unit=Unit.RATIO,
            direction=UP,
            dimensions=tuple(d for d in VISIT_DIMENSIONS if d != SEX),
            compute=women_share,
        )
    )
    register(
        Indicator(
            code="YOUTH_SHARE",
            name=_("Share of young people (15 to 35) among persons welcomed"),
            definition=_(
                "Persons aged 15 to 35 on the period's last day among the persons welcomed, as "
                "a share of all; anonymous visitors recorded before their age was asked count "
                "as young in the 15-24 band only."
            ),
            unit=Unit.RATIO,
            direction=UP,
            dimensions=tuple(d for d in VISIT_DIMENSIONS if d != AGE_BAND),
            compute=youth_share,
        )
    )


_register()

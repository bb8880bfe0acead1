"""Community work's indicators: sessions held, persons reached, fair visitors, people oriented
at fairs and their outcomes, agents trained and their score gains.

Persons reached and fair visitors are counted, not named: the engine is given the sums of the
attendance rows (a row's `n` is its count, so small counts are suppressed like any other). An
activity counts at its site in the period of the day it was held; cancelled, planned and
deleted ones do not count. Attendance keeps the age bands it was recorded in: when the results
are asked in other bands, a recorded band is put in the asked band that holds it whole, else
under "unknown". A person at two sessions is reached twice (attendance is not per person).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.core.aggregates import grouped, in_period_dates, place_expressions
from orienta.core.aggregates import theme_values as core_theme_values
from orienta.lib.indicators import (
    AGE_BAND,
    COUNTRY,
    DISABILITY,
    SEX,
    SITE,
    THEME,
    UNKNOWN,
    UP,
    AgeBands,
    Dimension,
    Indicator,
    Query,
    Row,
    Unit,
    median_row,
    register,
    register_dimension,
)
from orienta.outreach.models import (
    AwarenessSession,
    FairCount,
    FairOutcome,
    FairVisit,
    OutcomeKind,
    Participant,
    SessionCount,
    Status,
    Topic,
)
from orienta.people.aggregates import person_expressions
from orienta.people.models import DisabilityStatus

COUNT_DIMENSIONS = (SEX, AGE_BAND, DISABILITY, COUNTRY, SITE)
PLACES = (COUNTRY, SITE)


def rebanded(code: str, bands: AgeBands) -> str:
    """The band of `bands` that holds the recorded band `code` whole; "unknown" if none."""
    low, _sep, high = code.rstrip("+").partition("-")
    try:
        start, end = int(low), (int(high) if high else None)
    except ValueError:
        return UNKNOWN
    for band in bands.bands:
        if band.low <= start and (band.high is None or (end is not None and end <= band.high)):
            return band.code
    return UNKNOWN


def _count_key(row: dict[str, Any], by: tuple[str, ...], bands: AgeBands) -> tuple[str, ...]:
    values = {
        SEX: row["sex"],
        AGE_BAND: rebanded(row["age_band"], bands),
        DISABILITY: DisabilityStatus.DISABILITY if row["disability"] else DisabilityStatus.NONE,
        COUNTRY: row["site__country__code"],
        SITE: row["site__code"],
    }
    return tuple(str(values[code]) for code in by if code != THEME)


def _summed(
    rows: Iterable[dict[str, Any]], query: Query, themes: dict[Any, list[str]] | None = None
) -> list[Row]:
    """Sum the counts by the query's dimensions; by theme, each session's counts go to each of
    its themes."""
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    for row in rows:
        key = _count_key(row, query.by, query.age_bands)
        if THEME in query.by and themes is not None:
            position = query.by.index(THEME)
            for theme in themes.get(row["owner"], []) or [UNKNOWN]:
                totals[(*key[:position], theme, *key[position:])] += row["count"]
        else:
            totals[key] += row["count"]
    return [Row(key, n, n) for key, n in sorted(totals.items()) if n]


_FIELDS = ("sex", "age_band", "disability", "count", "site__code", "site__country__code")


def _session_rows(query: Query) -> QuerySet[SessionCount]:
    return SessionCount.objects.filter(
        in_period_dates("session__held_on", query.period, query.scope),
        session__status=Status.HELD,
        session__deleted_at__isnull=True,
        deleted_at__isnull=True,
    )


def _session_themes(ids: Iterable[Any]) -> dict[Any, list[str]]:
    found: dict[Any, list[str]] = defaultdict(list)
    sessions = AwarenessSession.objects.filter(pk__in=set(ids)).prefetch_related("themes")
    for session in sessions:
        found[session.pk] = [t.pk for t in session.themes.all()] + list(session.topics)
    return found


def persons_reached(query: Query) -> list[Row]:
    rows = list(_session_rows(query).annotate(owner=F("session_id")).values("owner", *_FIELDS))
    themes = _session_themes(r["owner"] for r in rows) if THEME in query.by else None
    return _summed(rows, query, themes)


def _held_sessions(query: Query) -> QuerySet[AwarenessSession]:
    return AwarenessSession.objects.filter(
        in_period_dates("held_on", query.period, query.scope),
        status=Status.HELD,
        deleted_at__isnull=True,
    )


def sessions_held(query: Query) -> list[Row]:
    sessions = list(_held_sessions(query).values("pk", "site__code", "site__country__code"))
    themes = _session_themes(s["pk"] for s in sessions) if THEME in query.by else {}
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    for session in sessions:
        place = {COUNTRY: session["site__country__code"], SITE: session["site__code"]}
        for theme in themes.get(session["pk"], []) or [UNKNOWN]:
            values = place | {THEME: theme}
            totals[tuple(str(values[c]) for c in query.by)] += 1
    return [Row(key, n, n) for key, n in sorted(totals.items())]


def fair_visitors(query: Query) -> list[Row]:
    rows = FairCount.objects.filter(
        in_period_dates("fair__held_on", query.period, query.scope),
        fair__status=Status.HELD,
        fair__deleted_at__isnull=True,
        deleted_at__isnull=True,
    ).values(*_FIELDS)
    return _summed(rows, query)


def oriented_at_fairs(query: Query) -> list[Row]:
    """Visits with the channel "fair" linked to a fair held in the period, as they stand."""
    qs = FairVisit.objects.filter(
        in_period_dates("fair__held_on", query.period, query.scope),
        fair__deleted_at__isnull=True,
        deleted_at__isnull=True,
        visit__superseded_by__isnull=True,
        visit__voided_at__isnull=True,
    )
    found = grouped(qs, query.by, place_expressions(), value=_count("pk"))
    return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]


def _count(field: str) -> Count:
    return Count(field, distinct=True)


def _outcomes(kind: str) -> Any:
    def compute(query: Query) -> list[Row]:
        qs = FairOutcome.objects.filter(
            in_period_dates("on", query.period, query.scope),
            kind=kind,
            deleted_at__isnull=True,
            fair__deleted_at__isnull=True,
        )
        exprs = person_expressions("person__", query.on, query.age_bands) | place_expressions()
        found = grouped(qs, query.by, exprs, value=_count("person"))
        return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]

    return compute


def _trained(query: Query) -> QuerySet[Participant]:
    return Participant.objects.filter(
        in_period_dates("training__held_on", query.period, query.scope),
        training__status=Status.HELD,
        training__deleted_at__isnull=True,
        deleted_at__isnull=True,
        attended=True,
    )


def agents_trained(query: Query) -> list[Row]:
    """Distinct participants who attended a training held in the period: an agent by their
    account (once, whatever the number of trainings), a partner's staff member by each
    participation (they have no account to tell them apart)."""
    found: dict[tuple[str, ...], set[Any]] = defaultdict(set)
    fields = {COUNTRY: "site__country__code", SITE: "site__code"}
    for row in _trained(query).values("pk", "user_id", *fields.values()):
        key = tuple(str(row[fields[c]]) for c in query.by)
        found[key].add(row["user_id"] or row["pk"])
    return [Row(key, len(ids), len(ids)) for key, ids in sorted(found.items())]


def score_gain(query: Query) -> list[Row]:
    """The median gain from the pre-test to the post-test, in points out of 100."""
    qs = _trained(query).filter(pre_score__isnull=False, post_score__isnull=False)
    gains: dict[tuple[str, ...], list[Decimal]] = defaultdict(list)
    fields = {COUNTRY: "site__country__code", SITE: "site__code"}
    for row in qs.values("pre_score", "post_score", *fields.values()):
        key = tuple(str(row[fields[c]]) for c in query.by)
        gains[key].append(Decimal(row["post_score"] - row["pre_score"]))
    found = (median_row(key, values) for key, values in sorted(gains.items()))
    return [row for row in found if row is not None]


def theme_values() -> list[tuple[str, Any]]:
    """The front desk's themes, then the awareness themes only sessions have."""
    return [*core_theme_values(), *Topic.choices]


# A session's themes are core's and the awareness topics: the theme dimension names both (the
# values of core's, which it extends, are unchanged).
register_dimension(Dimension(THEME, _("theme"), theme_values))

register(
    Indicator(
        code="OUTREACH_SESSIONS_HELD",
        name=_("Awareness sessions held"),
        definition=_(
            "Awareness sessions held in the period (by theme, a session counts once "
            "for each of its themes)."
        ),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=(COUNTRY, SITE, THEME),
        compute=sessions_held,
    )
)
register(
    Indicator(
        code="OUTREACH_PERSONS_REACHED",
        name=_("Persons reached by awareness sessions"),
        definition=_(
            "Persons counted at the awareness sessions held in the period, by sex, "
            "age band and disability; a person at two sessions counts twice."
        ),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=(*COUNT_DIMENSIONS, THEME),
        compute=persons_reached,
    )
)
register(
    Indicator(
        code="FAIR_VISITORS",
        name=_("Fair visitors"),
        definition=_("Visitors counted at the fairs held in the period."),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=COUNT_DIMENSIONS,
        compute=fair_visitors,
    )
)
register(
    Indicator(
        code="FAIR_ORIENTED",
        name=_("People registered or oriented at fairs"),
        definition=_("Visits with the channel “fair” linked to the fairs held in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=PLACES,
        compute=oriented_at_fairs,
    )
)
register(
    Indicator(
        code="FAIR_HIRED",
        name=_("People hired after a fair"),
        definition=_("Persons met at a fair and recorded as hired in the period."),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=COUNT_DIMENSIONS,
        compute=_outcomes(OutcomeKind.HIRED),
    )
)
register(
    Indicator(
        code="FAIR_ENROLLED",
        name=_("People enrolled in a training after a fair"),
        definition=_("Persons met at a fair and recorded as enrolled in a training in the period."),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=COUNT_DIMENSIONS,
        compute=_outcomes(OutcomeKind.ENROLLED),
    )
)
register(
    Indicator(
        code="AGENTS_TRAINED",
        name=_("Agents trained"),
        definition=_(
            "Agents and partners' staff who attended a training held in the period "
            "(an agent at two trainings counts once)."
        ),
        unit=Unit.PERSONS,
        direction=UP,
        dimensions=PLACES,
        compute=agents_trained,
    )
)
register(
    Indicator(
        code="TRAINING_SCORE_GAIN",
        name=_("Score gain of trainings"),
        definition=_(
            "Median gain from the pre-test to the post-test (points out of 100) of the "
            "participants of the trainings held in the period."
        ),
        unit=Unit.MEDIAN,
        direction=UP,
        dimensions=PLACES,
        compute=score_gain,
    )
)

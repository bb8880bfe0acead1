"""The families' indicators: households assessed (by category), accompanied, whose category
improved, and graduated; split by the head of household's sex and the household's size.

A household counts at its site. Its head's sex and its size (its current members) are read as
the household stands; "assessed" and "improved" take the household's latest assessment in the
period (so a household assessed twice in a quarter counts once, in its latest category), and
"improved" compares it with the assessment before it. Small counts are suppressed by the engine.
"""

from typing import Any

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from orienta.core.aggregates import grouped, in_period_dates, place_expressions, scope_sites
from orienta.core.models import Site
from orienta.families.models import Assessment, Category, Enrolment, ExitReason
from orienta.lib.indicators import (
    COUNTRY,
    HOUSEHOLD_SIZE,
    SEX,
    SITE,
    UP,
    VULNERABILITY,
    Dimension,
    Indicator,
    Query,
    Row,
    Unit,
    register,
    register_dimension,
)
from orienta.people.models import HouseholdMember, Relationship

SIZES = (("1", 1), ("2-3", 3), ("4-6", 6))
LARGEST = "7+"
HOUSEHOLD_DIMENSIONS = (SEX, HOUSEHOLD_SIZE, COUNTRY, SITE)
ASSESSED_DIMENSIONS = (VULNERABILITY, *HOUSEHOLD_DIMENSIONS)
# For each category, those it is an improvement on.
WORSE = {
    Category.LOW: [Category.MODERATE, Category.HIGH, Category.VERY_HIGH],
    Category.MODERATE: [Category.HIGH, Category.VERY_HIGH],
    Category.HIGH: [Category.VERY_HIGH],
}


def _members(prefix: str) -> QuerySet[HouseholdMember]:
    return HouseholdMember.objects.filter(
        household=OuterRef(f"{prefix}household"), left_on__isnull=True, deleted_at__isnull=True
    )


def _head_sex(prefix: str) -> Subquery:
    heads = _members(prefix).filter(relationship=Relationship.HEAD)
    return Subquery(heads.values("person__sex")[:1])


def _size(prefix: str) -> Case:
    size = Subquery(
        _members(prefix).order_by().values("household").annotate(n=Count("pk")).values("n")[:1]
    )
    whens = [When(LessThanOrEqual(size, top), then=Value(code)) for code, top in SIZES]
    return Case(*whens, default=Value(LARGEST))


def _exprs(prefix: str = "") -> dict[str, Any]:
    return {SEX: _head_sex(prefix), HOUSEHOLD_SIZE: _size(prefix)} | place_expressions()


def _count(qs: QuerySet[Any], query: Query, exprs: dict[str, Any]) -> list[Row]:
    found = grouped(qs, query.by, exprs, value=Count("household", distinct=True))
    return [Row(key, v["value"], v["value"]) for key, v in sorted(found) if v["value"]]


def _latest_in_period(query: Query) -> QuerySet[Assessment]:
    period = in_period_dates("assessed_on", query.period, query.scope)
    latest = (
        Assessment.objects.filter(period, household=OuterRef("household"), deleted_at__isnull=True)
        .order_by("-assessed_on", "-created_at")
        .values("pk")[:1]
    )
    return Assessment.objects.filter(period, deleted_at__isnull=True, pk=Subquery(latest))


def _assessment_exprs() -> dict[str, Any]:
    return _exprs() | {VULNERABILITY: F("category")}


def households_assessed(query: Query) -> list[Row]:
    return _count(_latest_in_period(query), query, _assessment_exprs())


def households_improved(query: Query) -> list[Row]:
    before = (
        Assessment.objects.filter(household=OuterRef("household"), deleted_at__isnull=True)
        .filter(
            Q(assessed_on__lt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), created_at__lt=OuterRef("created_at"))
        )
        .order_by("-assessed_on", "-created_at")
        .values("category")[:1]
    )
    improved = Q(pk__in=[])
    for category, worse in WORSE.items():
        improved |= Q(category=category, previous__in=worse)
    qs = _latest_in_period(query).annotate(previous=Subquery(before)).filter(improved)
    return _count(qs, query, _assessment_exprs())


def households_accompanied(query: Query) -> list[Row]:
    start, end = query.period.start, query.period.end
    qs = Enrolment.objects.filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=start),
        enrolled_on__lt=end,
        deleted_at__isnull=True,
        site__in=_scope_sites(query),
    )
    return _count(qs, query, _exprs())


def _scope_sites(query: Query) -> Any:
    return Site.objects.filter(scope_sites(query.scope)).values("pk")


def households_graduated(query: Query) -> list[Row]:
    qs = Enrolment.objects.filter(
        in_period_dates("exited_on", query.period, query.scope),
        exit_reason=ExitReason.GRADUATED,
        deleted_at__isnull=True,
    )
    return _count(qs, query, _exprs())


def _sizes() -> list[tuple[str, str]]:
    return [(code, code) for code, _top in SIZES] + [(LARGEST, LARGEST)]


register_dimension(Dimension(HOUSEHOLD_SIZE, _("household size"), _sizes))
register_dimension(Dimension(VULNERABILITY, _("vulnerability category"), lambda: Category.choices))
register(
    Indicator(
        code="FAMILIES_ASSESSED",
        name=_("Households assessed"),
        definition=_(
            "Households whose vulnerability was assessed in the period, by the category of "
            "their latest assessment."
        ),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=ASSESSED_DIMENSIONS,
        compute=households_assessed,
    )
)
register(
    Indicator(
        code="FAMILIES_ACCOMPANIED",
        name=_("Households accompanied"),
        definition=_("Households enrolled in family accompaniment at some time in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=HOUSEHOLD_DIMENSIONS,
        compute=households_accompanied,
    )
)
register(
    Indicator(
        code="FAMILIES_IMPROVED",
        name=_("Households whose vulnerability category improved"),
        definition=_(
            "Households assessed in the period whose latest category is lower than the one of "
            "the assessment before it."
        ),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=ASSESSED_DIMENSIONS,
        compute=households_improved,
    )
)
register(
    Indicator(
        code="FAMILIES_GRADUATED",
        name=_("Households graduated"),
        definition=_("Accompaniments ended in the period because the family graduated."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=HOUSEHOLD_DIMENSIONS,
        compute=households_graduated,
    )
)

"""The partner CSOs' indicators: CSOs assessed, their average development stage (overall and by
area of the assessment tool), capacity-plan actions done, and the funds they mobilised.

A CSO counts in its country; a site's scope counts the CSO that runs the site. "Assessed" and
the average stage take each CSO's latest assessment in the period. A stage counts as its rank
in the tool the assessment was made with (1 for the first stage, 2 for the next…), so the
average stage reads "2.3": between the second and the third stage. Funds mobilised are the
amounts obtained by applications won, in the period of the donor's decision, in their currency
(a figure mixing currencies is not given).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from orienta.lib.indicators import (
    COUNTRY,
    OCA_AREA,
    UP,
    Dimension,
    Indicator,
    Query,
    Row,
    Unit,
    register,
    register_dimension,
)
from orienta.partners.models import ActionStatus, Application, Assessment, PlanAction, Stage
from orienta.partners.services import current_tool


def _in_scope(query: Query, prefix: str = "organisation__") -> Q:
    q = Q(**{f"{prefix}kind": "cso", f"{prefix}deleted_at__isnull": True})
    if query.scope.country:
        q &= Q(**{f"{prefix}country__code": query.scope.country})
    if query.scope.site:
        q &= Q(**{f"{prefix}sites__code": query.scope.site})
    return q


def _in_period(field: str, query: Query) -> Q:
    return Q(**{f"{field}__gte": query.period.start, f"{field}__lt": query.period.end})


def _grouped(qs: QuerySet[Any], query: Query, exprs: dict[str, Any], **aggregates: Any) -> Any:
    names = {code: f"dim_{code}" for code in query.by}
    rows = qs.annotate(**{names[c]: exprs[c] for c in query.by}).values(*names.values())
    rows = rows.annotate(**aggregates).order_by()
    return [(tuple(str(r[names[c]]) for c in query.by), r) for r in rows]


def _latest(query: Query) -> list[Assessment]:
    """Each CSO's latest assessment in the period."""
    found = (
        Assessment.objects.filter(
            _in_scope(query), _in_period("assessed_on", query), deleted_at__isnull=True
        )
        .select_related("organisation__country", "tool")
        .order_by("organisation_id", "-assessed_on", "-created_at")
        .distinct()
    )
    latest: dict[Any, Assessment] = {}
    for assessment in found:
        latest.setdefault(assessment.organisation_id, assessment)
    return list(latest.values())


def csos_assessed(query: Query) -> list[Row]:
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for assessment in _latest(query):
        values = {COUNTRY: assessment.organisation.country.code}
        counts[tuple(values[c] for c in query.by)] += 1
    return [Row(key, n, n) for key, n in sorted(counts.items())]


def _ranks(assessment: Assessment, by_area: bool) -> Iterable[tuple[str, int]]:
    definition = assessment.tool.parsed()
    if not by_area:
        yield "", definition.stage_rank(assessment.stage)
        return
    for code, result in assessment.areas.items():
        yield code, definition.stage_rank(result.get("stage", ""))


def average_stage(query: Query) -> list[Row]:
    by_area = OCA_AREA in query.by
    sums: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for assessment in _latest(query):
        for area, rank in _ranks(assessment, by_area):
            if not rank:
                continue
            values = {COUNTRY: assessment.organisation.country.code, OCA_AREA: area}
            sums[tuple(values[c] for c in query.by)].append(rank)
    return [
        Row(key, (Decimal(sum(r)) / len(r)).quantize(Decimal("0.01"), ROUND_HALF_UP), len(r))
        for key, r in sorted(sums.items())
    ]


def actions_done(query: Query) -> list[Row]:
    qs = PlanAction.objects.filter(
        _in_scope(query),
        _in_period("done_on", query),
        status=ActionStatus.DONE,
        deleted_at__isnull=True,
    ).distinct()
    exprs = {COUNTRY: F("organisation__country__code"), OCA_AREA: F("area")}
    if not query.by:
        n = qs.count()
        return [Row((), n, n)] if n else []
    found = _grouped(qs, query, exprs, n=Count("pk", distinct=True))
    return [Row(key, r["n"], r["n"]) for key, r in sorted(found) if r["n"]]


def funds_mobilised(query: Query) -> list[Row]:
    """Per key, the sum obtained if it is all in one currency (else no figure)."""
    qs = Application.objects.filter(
        _in_scope(query),
        _in_period("decided_on", query),
        stage=Stage.WON,
        deleted_at__isnull=True,
    ).distinct()
    exprs = {COUNTRY: F("organisation__country__code"), "currency": F("currency")}
    names = {code: f"dim_{code}" for code in (*query.by, "currency")}
    rows = (
        qs.annotate(**{names[c]: exprs[c] for c in names})
        .values(*names.values())
        .annotate(value=Sum("amount_obtained"), n=Count("pk", distinct=True))
        .order_by()
    )
    sums: dict[tuple[str, ...], list[tuple[Decimal, int]]] = defaultdict(list)
    for r in rows:
        sums[tuple(str(r[names[c]]) for c in query.by)].append((r["value"], r["n"]))
    return [
        Row(key, parts[0][0] if len(parts) == 1 else None, sum(n for _v, n in parts))
        for key, parts in sorted(sums.items())
    ]


def _areas() -> list[tuple[str, str]]:
    tool = current_tool()
    return [(a.code, a.name) for a in tool.parsed().areas] if tool else []


register_dimension(Dimension(OCA_AREA, _("capacity area"), _areas))
register(
    Indicator(
        code="PARTNERS_CSOS_ASSESSED",
        name=_("Partner CSOs assessed"),
        definition=_("Partner CSOs whose organisational capacity was assessed in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=(COUNTRY,),
        compute=csos_assessed,
    )
)
register(
    Indicator(
        code="PARTNERS_AVERAGE_STAGE",
        name=_("Average development stage of partner CSOs"),
        definition=_(
            "The mean development stage (1 for the first stage of the tool, 2 for the next…) "
            "of the partner CSOs assessed in the period, at their latest assessment; overall or "
            "by capacity area."
        ),
        unit=Unit.MEDIAN,
        direction=UP,
        dimensions=(COUNTRY, OCA_AREA),
        compute=average_stage,
    )
)
register(
    Indicator(
        code="PARTNERS_PLAN_ACTIONS_DONE",
        name=_("Capacity-plan actions done"),
        definition=_("Actions of the partner CSOs' capacity-development plans done in the period."),
        unit=Unit.EVENTS,
        direction=UP,
        dimensions=(COUNTRY, OCA_AREA),
        compute=actions_done,
    )
)
register(
    Indicator(
        code="PARTNERS_FUNDS_MOBILISED",
        name=_("Funds mobilised by partner CSOs"),
        definition=_(
            "Amounts obtained by the partner CSOs' funding applications won, in the period of "
            "the donor's decision, in their currency; several currencies together have no "
            "common figure."
        ),
        unit=Unit.AMOUNT,
        direction=UP,
        dimensions=(COUNTRY,),
        compute=funds_mobilised,
    )
)

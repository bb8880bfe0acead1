"""What every app's indicators need from core: the sites of a scope, a period as local times,
and the country, site and theme dimensions (see `orienta.lib.indicators`)."""

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Country, Site, Theme
from orienta.lib.indicators import (
    COUNTRY,
    SITE,
    UNKNOWN,
    Dimension,
    Period,
    Scope,
    register_dimension,
)


def scope_sites(scope: Scope) -> Q:
    """A filter on Site for the scope."""
    q = Q(deleted_at__isnull=True)
    if scope.country:
        q &= Q(country__code=scope.country)
    if scope.site:
        q &= Q(code=scope.site)
    return q


def _bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz or "UTC")
    return (
        datetime.combine(period.start, time(), tzinfo=zone),
        datetime.combine(period.end, time(), tzinfo=zone),
    )


def in_period(field: str, period: Period, scope: Scope, site_prefix: str = "site__") -> Q:
    """Records of the scope's sites whose `field` (a date and time) falls in the period, each
    site's period running from midnight to midnight in the site's own time zone."""
    zones: dict[str, list[object]] = {}
    for pk, tz in Site.objects.filter(scope_sites(scope)).values_list("pk", "timezone"):
        zones.setdefault(tz, []).append(pk)
    q = Q(pk__in=[])
    for tz, ids in sorted(zones.items()):
        start, end = _bounds(period, tz)
        q |= Q(**{f"{site_prefix}in": ids, f"{field}__gte": start, f"{field}__lt": end})
    return q


def in_period_dates(field: str, period: Period, scope: Scope, site_prefix: str = "site__") -> Q:
    """The same for a date field (already a local date)."""
    ids = list(Site.objects.filter(scope_sites(scope)).values_list("pk", flat=True))
    return Q(**{f"{site_prefix}in": ids, f"{field}__gte": period.start, f"{field}__lt": period.end})


def grouped(
    qs: QuerySet[Any], by: tuple[str, ...], exprs: Mapping[str, Any], **aggregates: Any
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """(key, {name: aggregate}) per combination of the dimensions `by`, each computed by its
    expression in `exprs`. The expressions are annotated under private names (a dimension
    may share a field's name); an empty value is "unknown"."""
    if not by:
        return [((), qs.aggregate(**aggregates))]
    names = {code: f"dim_{code}" for code in by}
    rows = qs.annotate(**{names[c]: exprs[c] for c in by}).values(*names.values())
    rows = rows.annotate(**aggregates).order_by()
    return [
        (tuple(str(r[names[c]] or UNKNOWN) for c in by), {a: r[a] for a in aggregates})
        for r in rows
    ]


def matching(qs: QuerySet[Any], key: Mapping[str, str], exprs: Mapping[str, Any]) -> QuerySet[Any]:
    """The records of `qs` behind one cell: those whose dimensions have the key's values."""
    names = {code: f"dim_{code}" for code in key}
    qs = qs.annotate(**{names[c]: exprs[c] for c in key})
    return qs.filter(**{names[c]: v for c, v in key.items()})


def place_expressions(site_prefix: str = "site__") -> dict[str, F]:
    return {COUNTRY: F(f"{site_prefix}country__code"), SITE: F(f"{site_prefix}code")}


def country_values() -> list[tuple[str, str]]:
    return [(c.code, str(c)) for c in Country.objects.order_by("code")]


def site_values() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in Site.objects.filter(deleted_at__isnull=True)]


def theme_values() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in Theme.objects.all()]


def register_dimensions() -> None:
    from orienta.lib.indicators import THEME

    register_dimension(Dimension(COUNTRY, _("country"), country_values))
    register_dimension(Dimension(SITE, _("site"), site_values))
    register_dimension(Dimension(THEME, _("theme"), theme_values))

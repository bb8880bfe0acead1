"""The results pages: the dashboard, one indicator, and the records behind a figure."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from orienta.audit.services import access_log_search
from orienta.lib.indicators import (
    AgeBands,
    Indicator,
    Period,
    Query,
    Scope,
    dimension,
    get,
    parse_dimensions,
)
from orienta.reporting import access, charts, display, engine
from orienta.reporting import dashboard as figures

RECORDS_CAP = 200


def default_period() -> Period:
    today = timezone.localdate()
    return Period.parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


@dataclass
class Choice:
    """What the page was asked for, checked."""

    period: Period
    scope: Scope
    age_bands: AgeBands
    suppress: bool
    query: dict[str, str]


def _choice(request: HttpRequest) -> tuple[Choice | None, str]:
    """The period, scope and age bands of the request, or an error message."""
    access.require_results(request.user)
    params = request.GET
    try:
        text = params.get("period", "").strip()
        period = Period.parse(text) if text else default_period()
        scope = access.scope_for(request.user, params.get("country", ""), params.get("site", ""))
        bands_text = params.get("age_bands", "").strip()
        bands = AgeBands.parse(bands_text) if bands_text else AgeBands.default()
    except ValueError as exc:
        return None, str(exc)
    query = {"period": period.code, "country": scope.country or "", "site": scope.site or ""}
    if bands_text:
        query["age_bands"] = bands.code
    suppress = access.suppresses_for(request.user)
    return Choice(period, scope, bands, suppress, query), ""


def _base(request: HttpRequest, choice: Choice | None, error: str) -> dict[str, Any]:
    user = request.user
    return {
        "choice": choice,
        "error": error,
        "sites": access.choosable_sites(user),
        "countries": access.choosable_countries(user),
        "period_text": request.GET.get("period", "") or (choice.period.code if choice else ""),
        "age_bands_text": choice.age_bands.code if choice else request.GET.get("age_bands", ""),
        "largest_hidden": engine.default_threshold() - 1,
        "may_open_records": access.may_open_records(user),
    }


def _trend(indicator: Indicator, choice: Choice) -> Any:
    points = engine.trend(
        indicator.code,
        choice.period,
        choice.scope,
        suppress=choice.suppress,
        age_bands=choice.age_bands,
    )
    return charts.trend_svg(
        [(p.start.strftime("%m"), v, hidden) for p, v, hidden in points],
        title=_("%(indicator)s by month") % {"indicator": indicator.name},
    )


def _bars(table: engine.Table) -> Any:
    lines = display.one_way(table)
    return charts.bars_svg(
        [(line.label, line.value, line.text, line.hidden) for line in lines],
        title=str(dimension(table.by[0]).name),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    choice, error = _choice(request)
    context = _base(request, choice, error)
    if choice is None:
        return render(request, "reporting/dashboard.html", context, status=400)
    found = figures.dashboard(
        choice.period, choice.scope, choice.age_bands, suppress=choice.suppress
    )
    main = get(figures.MAIN)
    context |= {
        "figures": [
            (indicator, display.shown(indicator, table.total, table.total_suppressed))
            for indicator, table in found.totals
        ],
        "main": main,
        "trend": charts.trend_svg(
            [(t.period.start.strftime("%m"), t.total, t.total_suppressed) for t in found.months],
            title=_("%(indicator)s by month") % {"indicator": main.name},
        ),
        "splits": [(dimension(t.by[0]).name, _bars(t)) for t in found.splits],
        "computed_at": found.computed_at,
        "kept": engine.cache_seconds() > 0,
        "qs": urlencode(choice.query),
    }
    return render(request, "reporting/dashboard.html", context)


def _indicator(code: str) -> Indicator:
    try:
        return get(code)
    except KeyError:
        raise Http404 from None


@login_required
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    found = _indicator(code)
    choice, error = _choice(request)
    context = _base(request, choice, error) | {"indicator": found}
    context["by_text"] = [request.GET.get("by1", ""), request.GET.get("by2", "")]
    context["dimensions"] = [(d, dimension(d).name) for d in found.dimensions]
    if choice is not None:
        try:
            asked = ",".join(request.GET.getlist("by")) or context["by_text"]
            by = parse_dimensions(asked, found)
        except ValueError as exc:
            choice, context["error"] = None, str(exc)
    if choice is None:
        return render(request, "reporting/indicator.html", context, status=400)
    table = engine.values(
        code, choice.period, choice.scope, by, age_bands=choice.age_bands, suppress=choice.suppress
    )
    context |= {
        "table": table,
        "total": display.shown(found, table.total, table.total_suppressed),
        "trend": _trend(found, choice),
        "qs": urlencode(choice.query),
    }
    records_url = ""
    if found.records and access.may_open_records(request.user):
        records_url = context["records_url"] = reverse("reporting:records", args=[code])
    if len(by) == 1:
        lines = display.one_way(table)
        for line in lines:
            if records_url and line.value and not line.hidden:
                line.link = f"{records_url}?{urlencode(choice.query | line.key)}"
        context |= {"lines": lines, "bars": _bars(table), "by_name": dimension(by[0]).name}
    elif len(by) == 2:
        context["grid"] = display.two_way(table)
    return render(request, "reporting/indicator.html", context)


@login_required
def records(request: HttpRequest, code: str) -> HttpResponse:
    """The persons behind one figure (codes and links, at most RECORDS_CAP), for a coordinator
    or a site manager; the opening is logged with what was asked and how many answered."""
    access.require_results(request.user)
    if not access.may_open_records(request.user):
        raise PermissionDenied
    found = _indicator(code)
    if found.records is None:
        raise Http404
    choice, error = _choice(request)
    key = {d: request.GET[d] for d in found.dimensions if request.GET.get(d)}
    context = _base(request, choice, error) | {"indicator": found, "key": key}
    if choice is None:
        return render(request, "reporting/records.html", context, status=400)
    query = Query(choice.period, choice.scope, tuple(key), choice.age_bands)
    rows = found.records(query, key, RECORDS_CAP + 1)
    access_log_search(
        request,
        query={"indicator": code, **choice.query, **key},
        results=len(rows),
        object_type="indicator_records",
    )
    context |= {
        "records": rows[:RECORDS_CAP],
        "capped": len(rows) > RECORDS_CAP,
        "cap": RECORDS_CAP,
        "labels": [(dimension(d).name, display.label_of(d, v)) for d, v in key.items()],
        "qs": urlencode(choice.query),
    }
    return render(request, "reporting/records.html", context)

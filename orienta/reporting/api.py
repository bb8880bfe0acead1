"""The results API: the indicators, and one indicator's figures for a period and a scope."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from orienta.core.types import ApiRequest
from orienta.lib.api.errors import Detail
from orienta.lib.indicators import AgeBands, Period, all_indicators, get, parse_dimensions
from orienta.reporting import access, engine

router = Router(tags=["results"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str = Field(description="persons, events, ratio, median or amount")
    dimensions: list[str]


class ValuesOut(Schema):
    indicator: str
    period: str = Field(description="The period's code: 2026-11, 2026-Q4 or 2026.")
    scope: dict[str, str | None] = Field(description='{"country": "TD", "site": null}')
    total: int | float | None = Field(description="null when suppressed")
    total_suppressed: bool
    cells: list[dict[str, Any]] = Field(
        description='{"sex": "female", "age_band": "15-24", "value": 12, "suppressed": false}; '
        'a suppressed cell has "value": null, "suppressed": true.'
    )


def _number(value: int | Decimal | None) -> int | float | None:
    return float(value) if isinstance(value, Decimal) else value


@router.get(
    "/results/indicators",
    response={200: list[IndicatorOut], 403: Detail},
    summary="The indicators",
)
def indicator_list(request: ApiRequest) -> list[dict[str, Any]]:
    """Every indicator the system computes: code, name (in the caller's language), unit and
    the dimensions it can be split by."""
    access.require_results(request.auth)
    return [
        {"code": i.code, "name": str(i.name), "unit": str(i.unit), "dimensions": list(i.dimensions)}
        for i in all_indicators()
    ]


@router.get(
    "/results/values",
    response={200: ValuesOut, 400: Detail, 403: Detail, 404: Detail},
    summary="One indicator's figures",
)
def indicator_values(
    request: ApiRequest,
    indicator: str,
    period: str,
    country: str = "",
    site: str = "",
    by: str = "",
    age_bands: str = "",
) -> dict[str, Any]:
    """The indicator's total and its cells split `by` up to two dimensions (comma-separated),
    for the period (`2026-11`, `2026-Q4`, `2026`) and the scope (`country`, `site`: a
    coordinator's country, a manager's site; M&E any). For M&E, counts from 1 to 4 are
    suppressed, with secondary suppression. Bad parameters: 400 with a message; a place out
    of the caller's scope: 404."""
    user = request.auth
    access.require_results(user)
    try:
        found = get(indicator.strip())
    except KeyError:
        raise HttpError(400, _unknown(indicator)) from None
    try:
        dims = parse_dimensions(by, found)
        when = Period.parse(period)
        bands = AgeBands.parse(age_bands) if age_bands.strip() else None
        scope = access.scope_for(user, country, site)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    table = engine.values(
        found.code, when, scope, dims, age_bands=bands, suppress=access.suppresses_for(user)
    )
    return {
        "indicator": found.code,
        "period": when.code,
        "scope": {"country": scope.country, "site": scope.site},
        "total": _number(table.total),
        "total_suppressed": table.total_suppressed,
        "cells": [
            c.key | {"value": _number(c.value), "suppressed": c.suppressed} for c in table.cells
        ],
    }


def _unknown(code: str) -> str:
    return gettext("There is no indicator “%(code)s”.") % {"code": code[:40]}

"""The results' downloads: `/results/export.xlsx`, `/results/export.csv` and
`/results/report.pdf?period=…&lang=fr|pt|en`, for the period and scope asked (`country`,
`site`), always suppressed, each written in the access log."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record
from orienta.core.models import User
from orienta.lib.indicators import AgeBands, Period
from orienta.reporting import exports
from orienta.reporting import logframe_queries as queries
from orienta.reporting.logframe_rules import can_export_results


def current_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _bad(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _parse(
    request: HttpRequest,
) -> tuple[Period, queries.ChosenScope, AgeBands | None] | HttpResponse:
    user = request.user
    if not can_export_results(user):
        raise PermissionDenied
    text = request.GET.get("period", "").strip() or current_quarter(timezone.localdate())
    try:
        period = Period.parse(text)
    except ValueError as exc:
        return _bad(str(exc))
    bands_text = request.GET.get("age_bands", "").strip()
    try:
        bands = AgeBands.parse(bands_text) if bands_text else None
    except ValueError as exc:
        return _bad(str(exc))
    scope = queries.scope_for(
        user, request.GET.get("country", "").strip(), request.GET.get("site", "").strip()
    )
    return period, scope, bands


def _log(request: HttpRequest, scope: queries.ChosenScope, results: int | None = None) -> None:
    access_log_record(
        request=request,
        action=Action.EXPORT,
        channel=Channel.EXPORT,
        object_type="results",
        site_id=scope.site.pk if scope.site is not None else None,
        query=request.get_full_path(),
        results=results,
    )


def _file(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _name(period: Period, scope: queries.ChosenScope, ext: str) -> str:
    where = scope.site.code if scope.site else (scope.country.code if scope.country else "all")
    return f"results-{period.code}-{where}.{ext}"


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    parsed = _parse(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    period, scope, bands = parsed
    data = exports.table_xlsx(period, scope, bands)
    _log(request, scope)
    return _file(data, exports.XLSX, _name(period, scope, "xlsx"))


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    parsed = _parse(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    period, scope, bands = parsed
    data = exports.table_csv(period, scope, bands)
    _log(request, scope)
    return _file(data, "text/csv; charset=utf-8", _name(period, scope, "csv"))


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    parsed = _parse(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    period, scope, bands = parsed
    lang = request.GET.get("lang", "").strip() or translation.get_language() or "fr"
    if lang not in dict(settings.LANGUAGES):
        return _bad(_("Choose the language of the report: fr, pt or en."))
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    with translation.override(lang):
        rows = queries.tree(user, period.start.year, scope, period=period, suppress=True)
        data = exports.report_pdf(period, scope, rows, bands)
    _log(request, scope)
    return _file(data, "application/pdf", _name(period, scope, f"{lang}.pdf"))

"""Pages of the logframe: the tree with progress against targets, a target's form, the values
entered by hand and their corrections (rules in `logframe_rules`)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.models import User
from orienta.lib.errors import Refused
from orienta.reporting import logframe_queries as queries
from orienta.reporting import logframe_services as services
from orienta.reporting.exports import threshold
from orienta.reporting.logframe_forms import CorrectionForm, HandValueForm, TargetForm
from orienta.reporting.logframe_rules import (
    can_read_logframe,
    can_set_figures,
    may_set_figures_for,
    reads_programme,
    suppresses_for,
)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views are behind `login_required`)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _year(request: HttpRequest) -> tuple[int, str]:
    """The year asked for (this year by default), and an error if it was not a year."""
    text = request.GET.get("year", "").strip()
    today = timezone.localdate().year
    if not text:
        return today, ""
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text), ""
    return today, _("“%(value)s” is not a year between 2000 and 2100.") % {"value": text[:20]}


def _scope(request: HttpRequest) -> queries.ChosenScope:
    return queries.scope_for(
        _user(request), request.GET.get("country", "").strip(), request.GET.get("site", "").strip()
    )


def _back(year: int, scope: queries.ChosenScope) -> str:
    params = {"year": str(year), **_scope_params(scope)}
    return f"{reverse('logframe:tree')}?{urlencode(params)}"


def _form_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """The logframe, with each indicator's value and progress against its target for the
    chosen year and scope."""
    user = _user(request)
    _require(can_read_logframe(user))
    year, error = _year(request)
    scope = _scope(request)
    countries, sites = queries.scope_choices(user)
    context = {
        "rows": queries.tree(user, year, scope),
        "year": year,
        "years": range(year - 2, year + 3),
        "scope": scope,
        "countries": countries,
        "sites": sites,
        "error": error,
        "may_set": may_set_figures_for(user, scope.country, scope.site),
        "programme": reads_programme(user),
        "suppressed_rule": suppresses_for(user),
        "suppressed_below": threshold() - 1,
        "back": _back(year, scope),
    }
    return render(request, "reporting/logframe.html", context, status=400 if error else 200)


@login_required
def target(request: HttpRequest, code: str) -> HttpResponse:
    """Set the baseline and target of an indicator for a year and scope."""
    user = _user(request)
    _require(can_set_figures(user))
    indicator = queries.indicator_for(code)
    year, error = _year(request)
    scope = _scope(request)
    _require(may_set_figures_for(user, scope.country, scope.site))
    current = queries.target_of(indicator, year, scope)
    initial: dict[str, object] = {}
    if current is not None:
        initial = {
            "version": current.version,
            "baseline": current.baseline,
            "target": current.target,
            "source": current.source,
        }
    form = TargetForm(request.POST or None, initial=initial)
    status = 400 if error else 200
    if request.method == "POST" and not error:
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.target_set(
                    indicator=indicator,
                    year=year,
                    scope=services.FigureScope(scope.country, scope.site),
                    baseline=data["baseline"],
                    target=data["target"],
                    source=data["source"],
                    version=data["version"],
                    by=user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The target is saved."))
                return redirect(_back(year, scope))
        status = 422
    context = {
        "indicator": indicator,
        "form": form,
        "year": year,
        "scope": scope,
        "error": error,
        "back": _back(year, scope),
    }
    return render(request, "reporting/logframe_target.html", context, status=status)


@login_required
def values(request: HttpRequest, code: str) -> HttpResponse:
    """The values entered by hand for an indicator in a scope, with their history; the form to
    enter one for those who may."""
    user = _user(request)
    _require(can_read_logframe(user))
    indicator = queries.indicator_for(code)
    year, _error = _year(request)
    scope = _scope(request)
    may_set = not indicator.computed and may_set_figures_for(user, scope.country, scope.site)
    if request.method == "POST":
        _require(may_set)
    form = HandValueForm(request.POST or None) if may_set else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hand_value_record(
                    indicator=indicator,
                    period=data["period"],
                    scope=services.FigureScope(scope.country, scope.site),
                    value=data["value"],
                    source=data["source"],
                    by=user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The value is recorded."))
                return redirect(request.get_full_path())
        status = 422
    context = {
        "indicator": indicator,
        "form": form,
        "history": queries.history(user, indicator, scope),
        "year": year,
        "scope": scope,
        "may_set": may_set,
        "back": _back(year, scope),
    }
    return render(request, "reporting/logframe_values.html", context, status=status)


@login_required
def correct(request: HttpRequest, pk: str) -> HttpResponse:
    """Correct a value entered by hand: a new value with a reason; the old one stays."""
    user = _user(request)
    _require(can_set_figures(user))
    original = queries.hand_value_for(user, pk)
    _require(may_set_figures_for(user, original.country, original.site))
    form = CorrectionForm(request.POST or None, initial={"source": original.source})
    scope = queries.ChosenScope(original.country, original.site)
    year = original.period_start.year
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hand_value_correct(
                    original=original,
                    value=data["value"],
                    source=data["source"],
                    reason=data["reason"],
                    by=user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except Refused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The value is corrected."))
                params = urlencode({"year": str(year), **_scope_params(scope)})
                url = reverse("logframe:values", args=[original.indicator.code])
                return redirect(f"{url}?{params}")
        status = 422
    context = {"original": original, "form": form, "back": _back(year, scope)}
    return render(request, "reporting/logframe_correct.html", context, status=status)


def _scope_params(scope: queries.ChosenScope) -> dict[str, str]:
    params = {}
    if scope.country is not None:
        params["country"] = scope.country.code
    if scope.site is not None:
        params["site"] = scope.site.code
    return params

"""Pages of the support fund's money: positions, allocations and periods, statements, spending."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.accounts.reauth import require_recent_auth
from orienta.audit.exports import export_create
from orienta.audit.services import access_log_export
from orienta.core.access import (
    approves_payments,
    coordinates_country,
    reads_provider_statements,
    uses_fund,
)
from orienta.core.models import User
from orienta.core.types import AuthedRequest
from orienta.fund import queries, reports, services
from orienta.fund.forms import (
    AllocationForm,
    ExportForm,
    PeriodForm,
    ReportForm,
    StatementForm,
)
from orienta.fund.models import Fund, LedgerEntry
from orienta.fund.views import _form_errors
from orienta.lib.replica import replica_reads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


@login_required
def positions(request: AuthedRequest) -> HttpResponse:
    """The position of each site's fund in scope, in local currency and euros."""
    _require(uses_fund(request.user))
    rows = queries.positions(queries.sites_with_fund(request.user), on=timezone.localdate())
    return render(request, "fund/positions.html", {"rows": rows})


@login_required
def site(request: AuthedRequest, code: str) -> HttpResponse:
    """One site's position and its ledger, movement by movement (who, when)."""
    _require(uses_fund(request.user))
    found = queries.site_for(request.user, code)
    row = queries.positions([found], on=timezone.localdate())[0]
    context = {"site": found, "row": row, "entries": queries.site_entries(found)}
    return render(request, "fund/site.html", context)


def _coordinated_fund(user: User) -> Fund:
    # A coordinator has a country (User.clean): without one, there is no fund to run.
    if not coordinates_country(user) or user.country is None:
        raise PermissionDenied
    return services.fund_open(country=user.country, by=user)


@login_required
def allocations(request: AuthedRequest) -> HttpResponse:
    """The coordinator opens periods and allocates the country's fund to its sites."""
    fund = _coordinated_fund(request.user)
    periods = fund.periods.filter(deleted_at__isnull=True)
    sites = queries.sites_with_fund(request.user).filter(country=fund.country)
    form = AllocationForm(request.POST or None, sites=sites, periods=periods)
    status = 200
    if request.method == "POST":
        status = _allocate(request, fund, form)
        if status == 302:
            return redirect("fund:allocations")
    context = {
        "fund": fund,
        "form": form,
        "period_form": PeriodForm(),
        "periods": periods,
        "recent": _recent_allocations(fund),
    }
    return render(request, "fund/allocations.html", context, status=status)


def _recent_allocations(fund: Fund) -> QuerySet[LedgerEntry]:
    from orienta.fund.models import Kind

    return (
        LedgerEntry.objects.filter(account__fund=fund, kind=Kind.ALLOCATION)
        .select_related("account__site", "period", "by")
        .order_by("-at")[:50]
    )


def _allocate(request: AuthedRequest, fund: Fund, form: AllocationForm) -> int:
    if not form.is_valid():
        return 422
    try:
        entry = services.allocation_record(
            fund=fund,
            site=form.cleaned_data["site"],
            period=form.cleaned_data["period"],
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        _form_errors(form, exc)
        return 422
    messages.success(
        request,
        _("%(amount)s allocated to %(site)s.")
        % {
            "amount": reports.money_format(entry.amount, entry.currency),
            "site": entry.account.site.code,
        },
    )
    return 302


@login_required
def period_new(request: AuthedRequest) -> HttpResponse:
    fund = _coordinated_fund(request.user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_open(fund=fund, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The period is open."))
            return redirect("fund:allocations")
    status = 422 if request.method == "POST" else 200
    return render(request, "fund/period_form.html", {"form": form, "fund": fund}, status=status)


@login_required
def statements(request: AuthedRequest) -> HttpResponse:
    """Choose a provider and a period."""
    user = request.user
    _require(reads_provider_statements(user))
    form = StatementForm(
        request.GET or None,
        providers=queries.providers_for(user).order_by("name"),
        periods=queries.periods_for(user),
    )
    if request.GET and form.is_valid():
        return redirect(
            "fund:statement",
            provider=form.cleaned_data["provider"].pk,
            period=form.cleaned_data["period"].pk,
        )
    return render(request, "fund/statements.html", {"form": form})


@login_required
def statement(request: AuthedRequest, provider: UUID, period: UUID) -> HttpResponse:
    """A provider's statement for a period: page, PDF (?format=pdf) or XLSX (?format=xlsx)."""
    user = request.user
    _require(reads_provider_statements(user))
    stmt = queries.statement(
        user, queries.provider_for(user, provider), queries.period_for(user, period)
    )
    fmt = request.GET.get("format", "")
    filename = f"statement-{stmt.period.name}-{str(stmt.provider.pk)[:8]}"
    if fmt == "pdf":
        response = HttpResponse(reports.statement_pdf(stmt), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(reports.statement_xlsx(stmt), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    return render(request, "fund/statement.html", {"stmt": stmt})


@login_required
@replica_reads()
def report(request: AuthedRequest) -> HttpResponse:
    """Spending by theme, service, sex and age band of the beneficiaries: counts and sums only
    (read from the read replica when there is one: DATABASE_REPLICA_URL)."""
    user = request.user
    _require(uses_fund(user))
    periods = queries.periods_for(user)
    form = ReportForm(request.GET or None, periods=periods)
    period = form.cleaned_data["period"] if form.is_valid() else None
    tables: list[tuple[Fund, reports.Spending]] = []
    for fund in Fund.objects.filter(pk__in=periods.values("fund")).select_related("country"):
        if period is not None and period.fund_id != fund.pk:
            continue
        requests = queries.spending_requests(user, fund, period)
        tables.append((fund, reports.spending(requests, fund.currency)))
    return render(request, "fund/report.html", {"form": form, "tables": tables, "period": period})


MAX_EXPORT = 2000


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    """The beneficiaries of a period as XLSX, for the site manager or the coordinator: personal
    data, so a reason, a recent sign-in, and a file made for the requester alone."""
    _require(approves_payments(request.user))
    return _export(request)


@require_recent_auth(minutes=15)
def _export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ExportForm(request.POST or None, periods=queries.periods_for(user))
    if request.method != "POST" or not form.is_valid():
        status = 422 if request.method == "POST" else 200
        return render(request, "fund/export.html", {"form": form}, status=status)
    period, reason = form.cleaned_data["period"], form.cleaned_data["reason"]
    rows = list(
        queries.request_list(user)
        .filter(period=period)
        .select_related("person", "provider", "site")
        .order_by("site__code", "code")[:MAX_EXPORT]
    )
    for person in {r.person_id: r.person for r in rows}.values():
        access_log_export(request, person, reason=reason)
    made = export_create(
        by=user,
        reason=reason,
        filename=f"fund-{period.name}.xlsx",
        content_type=XLSX,
        data=reports.beneficiaries_xlsx(rows, period),
        request=request,
    )
    return redirect(made)

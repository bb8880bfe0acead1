"""The import pages: upload (with the log), map, dry run, import, and one import's log."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orienta.audit.services import access_log_search
from orienta.core.access import imports_field_forms, reads_import_log
from orienta.core.types import AuthedRequest
from orienta.families.queries import current_instruments
from orienta.imports import queries, services
from orienta.imports.forms import MappingForm, UploadForm
from orienta.imports.models import RUNNING, Kind, RunStatus
from orienta.imports.targets import TARGETS
from orienta.imports.targets.base import NEW, Problem

# While the worker checks or imports a large file, its pages reload themselves this often (a
# `Refresh` header: no script, a few kilobytes each time).
REFRESH_SECONDS = 5

View = Callable[..., HttpResponse]

COUNT_LABELS = {
    "submissions": gettext_lazy("Submissions in the file"),
    "already": gettext_lazy("Imported before (left as they are)"),
    "imported": gettext_lazy("Submissions imported"),
    "person_created": gettext_lazy("Persons registered"),
    "person_linked": gettext_lazy("Persons already registered, linked"),
    "household_created": gettext_lazy("Households"),
    "household_linked": gettext_lazy("Households"),
    "visit_created": gettext_lazy("Visits"),
    "session_created": gettext_lazy("Awareness sessions"),
    "assessment_created": gettext_lazy("Assessments"),
}


def count_lines(counts: dict[str, int]) -> list[tuple[str, int]]:
    """The counts worth showing, labelled, in a fixed order."""
    totals: dict[str, int] = {}
    for key, label in COUNT_LABELS.items():
        if counts.get(key):
            totals[str(label)] = totals.get(str(label), 0) + counts[key]
    return list(totals.items())


def _require(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@_require(reads_import_log)
def index(request: AuthedRequest) -> HttpResponse:
    """Upload an export (site staff), and the log of the imports in scope."""
    form = None
    if imports_field_forms(request.user):
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.import_upload(
                site=form.cleaned_data["site"],
                kind=form.cleaned_data["kind"],
                name=upload.name or "export",
                raw=upload.read(),
                by=request.user,
            )
        except services.ImportRefused as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("imports:map", run.pk)
    status = 422 if request.method == "POST" else 200
    log = list(queries.runs(request.user)[: queries.LOG_SIZE])
    return render(request, "imports/index.html", {"form": form, "log": log}, status=status)


def _instruments(run: Any) -> list[tuple[str, str]] | None:
    if run.kind != Kind.ASSESSMENTS:
        return None
    return [(str(i.pk), str(i)) for i in current_instruments(run.site)]


@_require(imports_field_forms)
def mapping(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """Which column of the form fills each of Orienta's fields."""
    run = queries.run_to_continue_for(request.user, pk)
    try:
        export = services.read_export(run)
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", run.pk)
    instruments = _instruments(run)
    options = dict(run.options)
    if request.method == "POST" and instruments:
        options["instrument"] = request.POST.get("instrument", "")
    form = MappingForm(
        request.POST or None,
        fields=TARGETS[run.kind].fields(run.site, options),
        columns=export.main.headers,
        repeat_columns=export.repeat_headers(),
        instruments=instruments,
        initial={f"f:{k}": v for k, v in run.mapping.items()} | options,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(run=run, mapping=form.mapping(), options=options, by=request.user)
        except services.ImportRefused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("imports:check", run.pk)
    context = {
        "run": run,
        "form": form,
        "export": export,
        "no_instrument": instruments == [],
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "imports/map.html", context, status=status)


def _check_page(request: AuthedRequest, run: Any, report: Any, status: int = 200) -> HttpResponse:
    importable = not report.problems and (not run.background or run.status == RunStatus.CHECKED)
    if report.lookalikes:
        found = sum(len(a.candidates) for a in report.lookalikes)
        access_log_search(request, query={"import": str(run.pk)}, results=found)
    fields = {f.name: f.label for f in TARGETS[run.kind].fields(run.site, run.options)}
    context = {
        "run": run,
        "report": report,
        "headings": _headings(run.kind),
        "fields": fields,
        "new": NEW,
        "counts": count_lines(report.counts),
        "importable": importable,
    }
    return render(request, "imports/check.html", context, status=status)


def _refreshing(response: HttpResponse) -> HttpResponse:
    response["Refresh"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _background(
    request: AuthedRequest,
    run: Any,
    decisions: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A large file's page for its uploader: the worker's progress (the page reloads itself),
    then the stored dry run with the "Import" button, then the import's outcome."""
    if run.status == RunStatus.UPLOADED:
        return redirect("imports:map", run.pk)
    if run.status in RUNNING:
        context = {"run": run, "seconds": REFRESH_SECONDS}
        return _refreshing(render(request, "imports/waiting.html", context))
    if run.status in (RunStatus.IMPORTED, RunStatus.EXPIRED):
        if run.status == RunStatus.IMPORTED:
            messages.success(request, _imported(run.counts))
        return redirect("imports:detail", run.pk)
    report = services.stored_report(run, request.user, decisions)
    if run.status == RunStatus.FAILED and not report.problems:
        report.problems = [Problem(**e) for e in run.errors]
    return _check_page(request, run, report, status=status)


def _headings(kind: str) -> list[str]:
    headings: dict[str, list[str]] = {
        Kind.PERSONS: [
            _("Name"),
            _("Sex"),
            _("Date of birth"),
            _("Phone"),
            _("Locality"),
            _("Members"),
        ],
        Kind.VISITS: [_("Date"), _("Person"), _("Themes"), _("Outcome"), _("Channel")],
        Kind.SESSIONS: [
            _("Title"),
            _("Date held"),
            _("Locality"),
            _("Themes"),
            _("Persons reached"),
        ],
        Kind.ASSESSMENTS: [_("Household"), _("Date"), _("Answers")],
    }
    return headings[kind]


@_require(imports_field_forms)
def check(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The dry run: what the import would write, the errors by line and column, and the
    look-alikes of the registry to decide on."""
    run = queries.run_to_continue_for(request.user, pk)
    if not run.mapping:
        return redirect("imports:map", run.pk)
    if run.background:
        return _background(request, run)
    try:
        report = services.import_check(run=run, by=request.user)
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", run.pk)
    return _check_page(request, run, report)


@require_POST
@_require(imports_field_forms)
def execute(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """The import, with the user's decision for each look-alike: all or nothing."""
    run = queries.run_to_continue_for(request.user, pk)
    decisions = {
        key.removeprefix("d:"): str(value)
        for key, value in request.POST.items()
        if key.startswith("d:") and value
    }
    if run.background:
        try:
            services.import_queue(run=run, by=request.user, decisions=decisions)
        except services.ImportRefused as exc:
            messages.error(request, exc.message)
            run.refresh_from_db()
            return _background(request, run, decisions, status=422)
        return redirect("imports:check", run.pk)
    try:
        report = services.import_check(run=run, by=request.user, decisions=decisions)
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", run.pk)
    if not report.imported:
        return _check_page(request, run, report, status=422)
    messages.success(request, _imported(report.counts))
    return redirect("imports:detail", run.pk)


def _imported(counts: Any) -> str:
    return _("Imported: %(new)s submissions; %(old)s were imported before.") % {
        "new": counts.get("imported", 0),
        "old": counts.get("already", 0),
    }


@_require(reads_import_log)
def detail(request: AuthedRequest, pk: UUID) -> HttpResponse:
    """One import of the log: who, when, which file, the counts, the errors, and what each
    submission created."""
    run = queries.run_for(request.user, pk)
    rows = list(queries.submissions(run)[:500])
    running = run.status in RUNNING
    continues = (
        run.created_by_id == request.user.pk
        and run.status not in (RunStatus.IMPORTED, RunStatus.EXPIRED)
        and not running
        and imports_field_forms(request.user)
    )
    context = {
        "run": run,
        "rows": rows,
        "continues": continues,
        "reviews": continues and run.background and services.report_is_current(run),
        "running": running,
        "seconds": REFRESH_SECONDS,
        "counts": count_lines(run.counts),
    }
    response = render(request, "imports/detail.html", context)
    return _refreshing(response) if running else response

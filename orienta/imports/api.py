"""The import log in the API, mounted under /api/v1/ by orienta.api.v1: read-only, scoped as
the pages are (site staff their sites' imports, coordinators their country's; other roles 403,
an import out of scope 404). Uploading, mapping and importing stay on the pages, where the
look-alikes are decided."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from orienta.core.access import reads_import_log
from orienta.core.types import ApiRequest
from orienta.imports import queries
from orienta.imports.models import ImportRun
from orienta.imports.services import report_is_current, report_summary
from orienta.lib.api.pagination import PageMapped, Pages

router = Router(tags=["imports"])


class ImportErrorOut(Schema):
    table: str
    line: int
    column: str
    message: str


class ImportOut(Schema):
    id: UUID
    site: str
    kind: str
    source: str
    file_name: str
    form: str
    status: str
    counts: dict[str, int]
    errors: int = Field(description="How many errors the last check or import found.")
    uploaded_at: datetime
    uploaded_by: str
    imported_at: datetime | None
    imported_by: str | None


class ImportedRecordOut(Schema):
    type: str
    id: str
    code: str = ""
    linked: bool = False


class SubmissionOut(Schema):
    instance_id: str
    line: int
    records: list[ImportedRecordOut]


class ReportOut(Schema):
    current: bool = Field(
        description="Made with the import's present mapping: the import may follow it."
    )
    counts: dict[str, int]
    errors: int
    warnings: int = Field(description="Persons of the file resembling another line's.")
    lookalikes: int = Field(description="Persons of the file resembling registered persons.")


class ImportDetailOut(ImportOut):
    background: bool = Field(
        description="Too large for a request: checked and imported by the task queue's worker "
        "(status queued, checking, checked, to_import, importing, then imported or failed)."
    )
    failure: str = Field(description="Why the worker stopped (crashed, not_allowed, no_file).")
    failure_message: str
    report: ReportOut | None = Field(description="The stored dry run of a large file.")
    error_list: list[ImportErrorOut]
    submissions: list[SubmissionOut] = Field(description="At most the first 500, by line.")


def _reader(request: ApiRequest) -> None:
    if not reads_import_log(request.auth):
        raise PermissionDenied


def _out(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "site": run.site.code,
        "kind": run.kind,
        "source": run.source,
        "file_name": run.file_name,
        "form": run.form_key,
        "status": run.status,
        "counts": {k: int(v) for k, v in run.counts.items()},
        "errors": len(run.errors),
        "uploaded_at": run.created_at,
        "uploaded_by": run.created_by.username if run.created_by else "",
        "imported_at": run.imported_at,
        "imported_by": run.imported_by.username if run.imported_by else None,
    }


@router.get("/imports", response=list[ImportOut], summary="Imports in scope, latest first")
@paginate(Pages, page_size=50, max_page_size=100)
def import_list(request: ApiRequest) -> PageMapped:
    """The import log of the sites in the caller's scope."""
    _reader(request)
    found = queries.runs(request.auth)
    return PageMapped(found, found.count(), lambda items: [_out(r) for r in items])


@router.get("/imports/{import_id}", response=ImportDetailOut, summary="One import of the log")
def import_read(request: ApiRequest, import_id: UUID) -> dict[str, Any]:
    """Who imported which file, when, the counts, the errors by line and column, and what each
    submission created or linked."""
    _reader(request)
    run = queries.run_for(request.auth, import_id)
    rows = queries.submissions(run)[:500]
    summary = report_summary(run.report)
    return _out(run) | {
        "background": run.background,
        "failure": run.failure,
        "failure_message": run.get_failure_display() if run.failure else "",
        "report": {
            "current": report_is_current(run),
            "counts": {k: int(v) for k, v in summary["counts"].items()},
            "errors": summary["errors"],
            "warnings": summary["warnings"],
            "lookalikes": summary["lookalikes"],
        }
        if summary
        else None,
        "error_list": [
            {
                "table": str(e.get("table", "")),
                "line": int(e.get("line") or 0),
                "column": str(e.get("column", "")),
                "message": str(e.get("message", "")),
            }
            for e in run.errors
        ],
        "submissions": [
            {
                "instance_id": row.instance_id,
                "line": row.line,
                "records": [
                    {
                        "type": str(item.get("type", "")),
                        "id": str(item.get("id", "")),
                        "code": str(item.get("code") or ""),
                        "linked": bool(item.get("linked")),
                    }
                    for item in row.created
                ],
            }
            for row in rows
        ],
    }

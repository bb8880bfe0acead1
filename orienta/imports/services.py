"""Writes of the imports: a file uploaded, its mapping, the dry run and the import.

The import is all-or-nothing: every submission is written through the services of the app it
belongs to (`person_register`, `household_add_member`, `visit_record`, `session_create`,
`assessment_record`) inside one transaction, which is rolled back when any line fails, and
always in a dry run: the dry run does exactly what the import will do, then undoes it. A
submission already imported at the site as the same kind of record (its `instanceID`) is
skipped, so importing the same export again writes nothing. The log of each import (counts,
errors) is kept whatever the outcome; the file itself is dropped once imported.

A file above a request's limits (`readers.Export.large`) is checked and imported the same way
by the task queue's worker (`tasks.import_step`): its mapping saved queues the dry run, whose
report is kept on the run (`report`) until the mapping changes; `import_queue` hands the import
over with the user's decisions. Each step claims the run first (a task run twice does nothing)
and leaves it "failed" with a reason (`failure`) when it stops, nothing written.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orienta.core.models import Site, User
from orienta.core.scoping import records_at_site
from orienta.core.services import event_log
from orienta.imports import readers
from orienta.imports.access import imports_kind
from orienta.imports.models import (
    Failure,
    FormMapping,
    ImportedSubmission,
    ImportRun,
    RunStatus,
)
from orienta.imports.targets import TARGETS
from orienta.imports.targets.base import NEW, Context, LookAlike, Prepared, Problem
from orienta.lib.errors import Refused
from orienta.people.models import Person

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
MAX_PROBLEMS = 500
KEEP_FILE = timedelta(days=1)


class ImportRefused(Refused):
    """The file or the mapping cannot be used; the message says why."""

    status = 422


class _RollBack(Exception):
    """Undo what the dry run (or a failed import) wrote."""


class _Stale(Exception):
    """The worker's import found its run changed meanwhile: undo it."""


def _check_importer(user: User, site: Site, kind: str) -> None:
    if not imports_kind(user, kind) or not records_at_site(user, site.pk):
        raise PermissionDenied


@transaction.atomic
def import_upload(*, site: Site, kind: str, name: str, raw: bytes, by: User) -> ImportRun:
    """Keep an uploaded export until it is mapped, checked and imported. The file must be
    readable (ImportRefused with the reasons otherwise); its mapping starts from the one
    remembered for the same form, else from the columns named as Orienta's fields."""
    _check_importer(by, site, kind)
    try:
        export = readers.read(raw, name)
    except readers.Unreadable as exc:
        raise ImportRefused(" ".join(exc.problems)) from None
    key = readers.form_key(name)
    remembered = FormMapping.objects.filter(site=site, form_key=key, kind=kind).first()
    run = ImportRun(
        site=site,
        kind=kind,
        source=export.source,
        file_name=name[:200],
        form_key=key,
        content=raw,
        background=export.large,
        created_by=by,
        updated_by=by,
    )
    fields = TARGETS[kind].fields(site, {})
    if remembered is not None:
        columns = _columns(export)
        run.mapping = {k: v for k, v in remembered.fields.items() if v in columns}
    else:
        run.mapping = guess_mapping(
            [f for f in fields if not f.repeat], export.main.headers
        ) | guess_mapping([f for f in fields if f.repeat], export.repeat_headers())
    run.save()
    event_log(actor=by, verb="import.uploaded", obj=run, site=site, data={"kind": kind})
    return run


def _columns(export: readers.Export) -> list[str]:
    return [*export.main.headers, *export.repeat_headers()]


def _xlsform_name(column: str) -> str:
    """The XLSForm name in a column's heading (Kobo's `group/name`, ODK's `group-name`)."""
    return column.rsplit("/", 1)[-1].lower()


def guess_mapping(fields: list[Any], columns: list[str]) -> dict[str, str]:
    """Each field to the first column whose XLSForm name is one of the field's names."""
    found = {}
    for target in fields:
        for name in (target.name, *target.names):
            column = next(
                (
                    c
                    for c in columns
                    if _xlsform_name(c) == name.lower() or c.lower().endswith("-" + name.lower())
                ),
                None,
            )
            if column:
                found[target.name] = column
                break
    return found


def read_export(run: ImportRun) -> readers.Export:
    if run.content is None:
        raise ImportRefused(_("This file was imported or abandoned: upload it again."))
    try:
        return readers.read(bytes(run.content), run.file_name)
    except readers.Unreadable as exc:
        raise ImportRefused(" ".join(exc.problems)) from None


@transaction.atomic
def import_map(
    *, run: ImportRun, mapping: dict[str, str], options: dict[str, Any], by: User
) -> ImportRun:
    """Save which column fills each field (and remember it for the form's next export)."""
    _check_importer(by, run.site, run.kind)
    _check_open(run, by)
    export = read_export(run)
    columns = set(_columns(export))
    mapping = {k: v for k, v in mapping.items() if v}
    fields = TARGETS[run.kind].fields(run.site, options)
    unknown = set(mapping.values()) - columns
    if unknown or set(mapping) - {f.name for f in fields}:
        raise ImportRefused(_("Choose each field's column among the file's columns."))
    repeat_needed = bool(export.repeats)
    missing = [
        str(f.label)
        for f in fields
        if f.required and f.name not in mapping and (not f.repeat or repeat_needed)
    ]
    if missing:
        raise ImportRefused(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_open(locked, by)
    locked.mapping, locked.options = mapping, options
    # A large file's dry run is the worker's; a report of another mapping is no longer valid.
    locked.status = RunStatus.QUEUED if locked.background else RunStatus.UPLOADED
    locked.report, locked.decisions, locked.failure = {}, {}, ""
    locked.save(
        update_fields=[
            "mapping",
            "options",
            "status",
            "report",
            "decisions",
            "failure",
            *locked.touch(by=by),
        ]
    )
    if locked.background:
        transaction.on_commit(partial(_enqueue, "check", locked.pk))
    remembered, _made = FormMapping.objects.get_or_create(
        site=run.site,
        form_key=run.form_key,
        kind=run.kind,
        defaults={"created_by": by, "updated_by": by},
    )
    remembered.fields = mapping
    remembered.save(update_fields=["fields", *remembered.touch(by=by)])
    return locked


def _check_open(run: ImportRun, by: User) -> None:
    if run.created_by_id != by.pk:
        raise PermissionDenied
    if run.status in (RunStatus.IMPORTED, RunStatus.EXPIRED) or run.content is None:
        raise ImportRefused(_("This file was imported or abandoned: upload it again."))
    if run.status in (RunStatus.TO_IMPORT, RunStatus.IMPORTING):
        raise ImportRefused(_("This file is being imported: wait for the import to finish."))


@dataclass
class Report:
    """What a dry run or an import found."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    preview: list[tuple[int, str, list[str]]] = field(default_factory=list)
    lookalikes: list[LookAlike] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _prepare_all(
    ctx: Context, run: ImportRun, export: readers.Export, counts: Counter[str]
) -> list[Prepared]:
    target = TARGETS[run.kind]
    ids = [s.instance_id for s in export.submissions]
    done = set(
        ImportedSubmission.objects.filter(
            site=run.site, kind=run.kind, instance_id__in=[i for i in ids if i]
        ).values_list("instance_id", flat=True)
    )
    seen: set[str] = set()
    ready = []
    for submission in export.submissions:
        counts["submissions"] += 1
        row = submission.row
        if not submission.instance_id:
            ctx.problems.append(
                Problem(row.table, row.line, "_uuid", _("The submission has no instanceID."))
            )
            continue
        if submission.instance_id in seen:
            ctx.problems.append(
                Problem(row.table, row.line, "", _("This submission appears twice in the file."))
            )
            continue
        seen.add(submission.instance_id)
        if submission.instance_id in done:
            counts["already"] += 1
            continue
        prepared = target.prepare(ctx, submission)
        if prepared is not None:
            ready.append(prepared)
        if len(ctx.problems) > MAX_PROBLEMS:
            break
    return ready


def _write_all(ctx: Context, run: ImportRun, ready: list[Prepared], counts: Counter[str]) -> None:
    target = TARGETS[run.kind]
    for prepared in ready:
        row = prepared.submission.row
        before = len(ctx.problems)
        try:
            with transaction.atomic():
                made = target.write(ctx, prepared)
                if made is None or len(ctx.problems) > before:
                    raise _RollBack
                ImportedSubmission.objects.create(
                    site=run.site,
                    run=run,
                    kind=run.kind,
                    instance_id=prepared.submission.instance_id,
                    line=row.line,
                    created=made,
                    created_by=ctx.user,
                    updated_by=ctx.user,
                )
        except _RollBack:
            continue
        except PermissionDenied:
            ctx.problems.append(
                Problem(
                    row.table,
                    row.line,
                    "",
                    _("This line would change records of a site you do not work at."),
                )
            )
            continue
        except IntegrityError:  # the same submission imported by someone else meanwhile
            ctx.problems.append(
                Problem(row.table, row.line, "", _("This submission was imported meanwhile."))
            )
            continue
        except (Refused, ValidationError, ValueError) as exc:
            ctx.refusal(row, exc)
            continue
        counts["imported"] += 1
        for item in made:
            counts[f"{item['type']}_{'linked' if item.get('linked') else 'created'}"] += 1


def import_check(
    *,
    run: ImportRun,
    by: User,
    decisions: dict[str, str] | None = None,
    claimed: str = "",
) -> Report:
    """The dry run (`decisions` None) or the import (with the user's decision for every
    look-alike): every submission written through the services, then undone unless this is
    the import and no line failed. The run keeps the counts and the errors. `claimed`: the
    worker's state for a large file (CHECKING, IMPORTING): its result is kept only if the run
    is still in that state with the same mapping (else a newer dry run is under way)."""
    _check_importer(by, run.site, run.kind)
    if claimed:
        if run.created_by_id != by.pk:
            raise PermissionDenied
        if run.content is None:
            raise ImportRefused(_("This file was imported or abandoned: upload it again."))
    else:
        _check_open(run, by)
        if run.background:
            raise ImportRefused(_("This file is large: the server checks and imports it in turn."))
    export = read_export(run)
    ctx = Context(run.site, by, run.mapping, dict(run.options), decisions)
    report = Report()
    counts = report.counts
    try:
        with transaction.atomic():
            ready = _prepare_all(ctx, run, export, counts)
            report.preview = [
                (p.submission.line, p.submission.instance_id, p.preview)
                for p in ready[:PREVIEW_ROWS]
            ]
            report.lookalikes = [a for p in ready for a in p.lookalikes]
            report.warnings = ctx.warnings
            counts["ready"] = len(ready)
            _write_all(ctx, run, ready, counts)
            report.problems = sorted(
                ctx.problems, key=lambda p: (p.table != export.main.name, p.table, p.line)
            )
            if decisions is None or report.problems:
                raise _RollBack
            _finish(run, by, counts, imported=True, claimed=claimed)
            report.imported = True
    except _RollBack:
        _finish(
            run,
            by,
            report.counts,
            problems=report.problems,
            final=decisions is not None,
            claimed=claimed,
            report=report if claimed == RunStatus.CHECKING else None,
        )
    return report


@transaction.atomic  # the worker calls it outside any transaction of a request
def _finish(
    run: ImportRun,
    by: User,
    counts: Counter[str],
    *,
    problems: list[Problem] = (),  # type: ignore[assignment]
    imported: bool = False,
    final: bool = False,
    claimed: str = "",
    report: Report | None = None,
) -> None:
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if claimed and (
        locked.status != claimed or (locked.mapping, locked.options) != (run.mapping, run.options)
    ):
        # The mapping changed while the worker checked the file: a newer dry run is queued.
        if imported:
            raise _Stale
        return
    locked.counts = dict(counts)
    locked.errors = [p.as_dict() for p in problems[:MAX_PROBLEMS]]
    if imported:
        locked.status = RunStatus.IMPORTED
        locked.content = None
        locked.report = report_summary(locked.report)
        locked.imported_at, locked.imported_by = timezone.now(), by
    elif problems and (final or claimed):
        locked.status = RunStatus.FAILED
    else:
        locked.status = RunStatus.CHECKED
    if report is not None:
        locked.report = _stored(run, report)
    locked.save(
        update_fields=[
            "counts",
            "errors",
            "status",
            "content",
            "imported_at",
            "imported_by",
            "report",
            *locked.touch(by=by),
        ]
    )
    if imported or final:
        verb = "import.done" if imported else "import.refused"
        data = {"kind": run.kind, "counts": dict(counts), "errors": len(problems)}
        event_log(actor=by, verb=verb, obj=locked, site=run.site, data=data)
    run.refresh_from_db()


# Large files: the dry run and the import by the task queue's worker
# =============================================================================================


def _stored(run: ImportRun, report: Report) -> dict[str, Any]:
    """A dry run's report as kept on the run: what the check page shows, without recomputing.
    The look-alikes keep the ids of the registered persons they resemble (read again, in the
    reader's scope, when shown)."""
    return {
        "mapping": run.mapping,
        "options": run.options,
        "counts": dict(report.counts),
        "problems": [p.as_dict() for p in report.problems[:MAX_PROBLEMS]],
        "warnings": [p.as_dict() for p in report.warnings[:MAX_PROBLEMS]],
        "preview": [[line, key, [str(v) for v in values]] for line, key, values in report.preview],
        "lookalikes": [
            {
                "key": a.key,
                "table": a.table,
                "line": a.line,
                "name": a.name,
                "candidates": [str(person.pk) for person, _result in a.candidates],
            }
            for a in report.lookalikes
        ],
    }


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    """What stays of a stored report once its file is dropped: counts, no name."""
    if not report:
        return {}
    if report.get("summary"):
        return report
    return {
        "summary": True,
        "counts": report.get("counts", {}),
        "errors": len(report.get("problems", [])),
        "warnings": len(report.get("warnings", [])),
        "lookalikes": len(report.get("lookalikes", [])),
    }


def report_is_current(run: ImportRun) -> bool:
    """The stored dry run was made with the run's present mapping (and choices)."""
    report = run.report or {}
    return (
        bool(report)
        and not report.get("summary")
        and (report.get("mapping"), report.get("options")) == (run.mapping, run.options)
    )


def stored_report(run: ImportRun, user: User, decisions: dict[str, str] | None = None) -> Report:
    """The stored dry run as the check page shows it; the registered persons it names are read
    again in the user's scope (a person erased or moved since is no longer offered)."""
    data = run.report or {}
    wanted = {pk for a in data.get("lookalikes", []) for pk in a["candidates"]}
    found = {
        str(p.pk): p
        for p in Person.objects.visible_to(user).filter(pk__in=wanted).select_related("site")
    }
    report = Report(
        problems=[Problem(**p) for p in data.get("problems", [])],
        warnings=[Problem(**p) for p in data.get("warnings", [])],
        preview=[(line, key, values) for line, key, values in data.get("preview", [])],
        counts=Counter(data.get("counts", {})),
    )
    for item in data.get("lookalikes", []):
        candidates = [(found[pk], None) for pk in item["candidates"] if pk in found]
        report.lookalikes.append(
            LookAlike(
                item["key"],
                item["table"],
                item["line"],
                item["name"],
                candidates,  # type: ignore[arg-type]
                chosen=(decisions or {}).get(item["key"], ""),
            )
        )
    return report


def _enqueue(step: str, pk: UUID) -> None:
    # The task module imports this one: imported here, when the first task is queued.
    from orienta.imports.tasks import import_step

    import_step.enqueue(str(pk), step)


@transaction.atomic
def import_queue(*, run: ImportRun, by: User, decisions: dict[str, str]) -> ImportRun:
    """A large file's import, after its dry run, handed to the worker with the user's decision
    for every look-alike (checked here, so the worker does not find one missing)."""
    _check_importer(by, run.site, run.kind)
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    _check_open(locked, by)
    if not locked.background or locked.status != RunStatus.CHECKED or not report_is_current(locked):
        raise ImportRefused(_("The dry run of this mapping is not ready: wait for it or run it."))
    for item in locked.report.get("lookalikes", []):
        if decisions.get(item["key"]) not in (NEW, *item["candidates"]):
            raise ImportRefused(
                _(
                    "Say for every look-alike whether it is one of the persons listed or a new "
                    "person."
                )
            )
    wanted = {a["key"] for a in locked.report.get("lookalikes", [])}
    locked.decisions = {k: v for k, v in decisions.items() if k in wanted}
    locked.status, locked.failure = RunStatus.TO_IMPORT, ""
    locked.save(update_fields=["decisions", "status", "failure", *locked.touch(by=by)])
    event_log(actor=by, verb="import.queued", obj=locked, site=locked.site, data={})
    transaction.on_commit(partial(_enqueue, "import", locked.pk))
    return locked


STEPS = {
    "check": (RunStatus.QUEUED, RunStatus.CHECKING),
    "import": (RunStatus.TO_IMPORT, RunStatus.IMPORTING),
}


def import_step_run(*, run_id: UUID | str, step: str) -> str:
    """The worker's part (`tasks.import_step`): the dry run or the import of a large file,
    exactly as a request makes them, by the user who uploaded it and in their language. The
    run is claimed first, so a task run twice (or after the mapping changed) does nothing.
    Whatever goes wrong leaves the run "failed" with the reason, and nothing written."""
    waiting, claimed = STEPS[step]
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update()
            .filter(pk=run_id, status=waiting, deleted_at__isnull=True)
            .first()
        )
        if run is None:
            return f"import {run_id}: nothing to {step}"
        run.status = claimed
        run.save(update_fields=["status", *run.touch(by=run.created_by)])
    run = ImportRun.objects.select_related("site", "created_by").get(pk=run.pk)
    by = run.created_by
    if by is None:  # pragma: no cover - an upload always has its uploader
        _fail(run, claimed, Failure.NOT_ALLOWED)
        return f"import {run_id}: failed"
    with translation.override(by.preferred_language()):
        try:
            report = import_check(
                run=run,
                by=by,
                decisions=dict(run.decisions) if step == "import" else None,
                claimed=claimed,
            )
        except _Stale:
            return f"import {run_id}: changed meanwhile"
        except PermissionDenied:
            _fail(run, claimed, Failure.NOT_ALLOWED)
            return f"import {run_id}: failed, not allowed"
        except ImportRefused:
            _fail(run, claimed, Failure.NO_FILE)
            return f"import {run_id}: failed, no file"
        except Exception:
            logger.exception("The %s of import %s failed", step, run_id)
            _fail(run, claimed, Failure.CRASHED)
            return f"import {run_id}: failed"
    if step == "import":
        return f"import {run_id}: {'imported' if report.imported else 'refused'}"
    return f"import {run_id}: checked, {len(report.problems)} errors"


@transaction.atomic
def _fail(run: ImportRun, claimed: str, failure: str) -> None:
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != claimed:
        return
    locked.status, locked.failure = RunStatus.FAILED, failure
    locked.save(update_fields=["status", "failure", *locked.touch(by=locked.created_by)])
    data = {"kind": locked.kind, "failure": failure}
    event_log(
        actor=locked.created_by, verb="import.failed", obj=locked, site=locked.site, data=data
    )


@transaction.atomic
def import_runs_expire(*, now: Any, by: User | None = None) -> int:
    """The files of imports left unfinished for a day are dropped (their log stays)."""
    stale = ImportRun.objects.select_for_update().filter(
        content__isnull=False, created_at__lt=now - KEEP_FILE
    )
    done = 0
    for run in stale.order_by("pk")[:500]:
        run.content = None
        run.report = report_summary(run.report)
        if run.status != RunStatus.IMPORTED:
            run.status = RunStatus.EXPIRED
        run.save(update_fields=["content", "status", "report", *run.touch(by=by)])
        done += 1
    return done


# The data subject's rights (see `orienta.imports.rights`)
# =============================================================================================


def _mentions(person_ids: list[Any]) -> list[ImportedSubmission]:
    """The submissions that created or linked one of these persons (at their sites)."""
    wanted = {str(pk) for pk in person_ids}
    sites = Person.objects.filter(pk__in=person_ids).values("site_id")
    rows = ImportedSubmission.objects.filter(site__in=sites).select_related("run")
    return [
        row
        for row in rows.order_by("created_at", "pk")
        if any(item.get("type") == "person" and item.get("id") in wanted for item in row.created)
    ]


def submissions_of(person_ids: list[Any]) -> list[ImportedSubmission]:
    return _mentions(person_ids)


@transaction.atomic
def import_files_drop(*, person_ids: list[Any], by: User | None) -> int:
    """A person's erasure: the files still waiting at their sites (which may name them) are
    dropped; the logs keep no name (their errors name lines and columns)."""
    sites = Person.objects.filter(pk__in=person_ids).values("site_id")
    dropped = 0
    waiting = ImportRun.objects.select_for_update().filter(site__in=sites, content__isnull=False)
    for run in waiting.order_by("pk"):
        run.content = None
        run.report = report_summary(run.report)
        run.status = RunStatus.EXPIRED
        run.save(update_fields=["content", "status", "report", *run.touch(by=by)])
        dropped += 1
    return dropped


@transaction.atomic
def submissions_follow(*, survivor: Any, merged: Any, by: User) -> None:
    """A merge: the submissions that created or linked the merged record name the survivor."""
    for row in _mentions([merged.pk]):
        for item in row.created:
            if item.get("type") == "person" and item.get("id") == str(merged.pk):
                item["id"], item["code"] = str(survivor.pk), survivor.code
        row.save(update_fields=["created", *row.touch(by=by)])

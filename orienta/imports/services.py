"""Writes of the imports: a file uploaded, its mapping, the dry run and the import.

The import is all-or-nothing: every submission is written through the services of the app it
belongs to (`person_register`, `household_add_member`, `visit_record`, `session_create`,
`assessment_record`) inside one transaction, which is rolled back when any line fails, and
always in a dry run: the dry run does exactly what the import will do, then undoes it. A
submission already imported at the site as the same kind of record (its `instanceID`) is
skipped, so importing the same export again writes nothing. The log of each import (counts,
errors) is kept whatever the outcome; the file itself is dropped once imported.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.models import Site, User
from orienta.core.scoping import writable_sites
from orienta.core.services import event_log
from orienta.imports import readers
from orienta.imports.access import imports_kind
from orienta.imports.models import FormMapping, ImportedSubmission, ImportRun, RunStatus
from orienta.imports.targets import TARGETS
from orienta.imports.targets.base import Context, LookAlike, Prepared, Problem
from orienta.lib.errors import Refused
from orienta.people.models import Person

PREVIEW_ROWS = 20
MAX_PROBLEMS = 500
KEEP_FILE = timedelta(days=1)


class ImportRefused(Refused):
    """The file or the mapping cannot be used; the message says why."""

    status = 422


class _RollBack(Exception):
    """Undo what the dry run (or a failed import) wrote."""


def _check_importer(user: User, site: Site, kind: str) -> None:
    if not imports_kind(user, kind) or not writable_sites(user).filter(pk=site.pk).exists():
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
    locked.mapping, locked.options = mapping, options
    locked.status = RunStatus.UPLOADED
    locked.save(update_fields=["mapping", "options", "status", *locked.touch(by=by)])
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


def import_check(*, run: ImportRun, by: User, decisions: dict[str, str] | None = None) -> Report:
    """The dry run (`decisions` None) or the import (with the user's decision for every
    look-alike): every submission written through the services, then undone unless this is
    the import and no line failed. The run keeps the counts and the errors."""
    _check_importer(by, run.site, run.kind)
    _check_open(run, by)
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
            _finish(run, by, counts, imported=True)
            report.imported = True
    except _RollBack:
        _finish(run, by, report.counts, problems=report.problems, final=decisions is not None)
    return report


def _finish(
    run: ImportRun,
    by: User,
    counts: Counter[str],
    *,
    problems: list[Problem] = (),  # type: ignore[assignment]
    imported: bool = False,
    final: bool = False,
) -> None:
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    locked.counts = dict(counts)
    locked.errors = [p.as_dict() for p in problems]
    if imported:
        locked.status = RunStatus.IMPORTED
        locked.content = None
        locked.imported_at, locked.imported_by = timezone.now(), by
    elif problems and final:
        locked.status = RunStatus.FAILED
    else:
        locked.status = RunStatus.CHECKED
    locked.save(
        update_fields=[
            "counts",
            "errors",
            "status",
            "content",
            "imported_at",
            "imported_by",
            *locked.touch(by=by),
        ]
    )
    if imported or final:
        verb = "import.done" if imported else "import.refused"
        data = {"kind": run.kind, "counts": dict(counts), "errors": len(problems)}
        event_log(actor=by, verb=verb, obj=locked, site=run.site, data=data)
    run.refresh_from_db()


@transaction.atomic
def import_runs_expire(*, now: Any, by: User | None = None) -> int:
    """The files of imports left unfinished for a day are dropped (their log stays)."""
    stale = ImportRun.objects.select_for_update().filter(
        content__isnull=False, created_at__lt=now - KEEP_FILE
    )
    done = 0
    for run in stale.order_by("pk")[:500]:
        run.content = None
        if run.status != RunStatus.IMPORTED:
            run.status = RunStatus.EXPIRED
        run.save(update_fields=["content", "status", *run.touch(by=by)])
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
        run.status = RunStatus.EXPIRED
        run.save(update_fields=["content", "status", *run.touch(by=by)])
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

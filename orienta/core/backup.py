"""Encrypted backups: every table and the uploaded files, restorable into an empty instance.

A backup file is an encrypted, compressed tar:

    manifest.json          format, date, applied migrations, row count of every model
    data/000001.jsonl …    every row of every model (Django's JSON Lines serialisation, with
                           primary keys as they are, many-to-many links inside their rows),
                           at most CHUNK_ROWS rows a member
    media/…                the files under MEDIA_ROOT, when it is set

Encryption (`orienta.lib.sealed`): AES-256-GCM with a key derived from a passphrase by scrypt,
in authenticated chunks that can be neither altered, reordered nor cut off. Nothing in clear
is written to disk: the archive is made and read as a stream.

The data is read in one transaction (on PostgreSQL a repeatable-read snapshot), so the rows
are consistent with each other. Sessions are left out: a restored instance starts with
everyone signed out.
"""

import datetime
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import DateField, Field

from orienta.lib.sealed import DecryptingReader, EncryptingWriter, SealError

FORMAT = "orienta-backup/1"
MIN_PASSPHRASE = 16
CHUNK_ROWS = 5000
KEY_ENV = "ORIENTA_BACKUP_KEY"

# Left out of every backup: sessions (a restored instance starts signed out).
NOT_BACKED_UP = {"sessions.session"}
# Rows that `migrate` itself writes in a new, empty instance; a restore replaces them.
WRITTEN_BY_MIGRATE = {
    "contenttypes.contenttype",
    "auth.permission",
    "core.country",
    "core.theme",
    # The capacity assessment tool's first version (partners 0002).
    "partners.tool",
    # The sync journal of the rows above, and its counter.
    "sync.change",
    "sync.counter",
}
# Models that moved to another app since a backup may have been made: old label -> new label.
MOVED_MODELS = {"frontdesk.theme": "core.theme"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# The key
# ---------------------------------------------------------------------------------------------


def read_passphrase(key_file: str | None = None, *, creating: bool = False) -> bytes:
    """The passphrase from --key-file, else from ORIENTA_BACKUP_KEY; never from the command line."""
    if key_file:
        try:
            passphrase = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise BackupError(f"Cannot read the key file {key_file}: {exc.strerror}.") from None
    else:
        passphrase = os.environ.get(KEY_ENV, "").strip().encode()
    if not passphrase:
        raise BackupError(
            f"No backup key: set {KEY_ENV} or give --key-file FILE (a file holding the "
            "passphrase). The key is never taken from the command line."
        )
    if creating and len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(
            f"The backup key is too short ({len(passphrase)} characters; at least "
            f"{MIN_PASSPHRASE}). Make one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    return passphrase


# ---------------------------------------------------------------------------------------------
# What is backed up
# ---------------------------------------------------------------------------------------------


def backed_up_models() -> list:
    """Every concrete model with a table of its own, in the order of INSTALLED_APPS."""
    return [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in NOT_BACKED_UP
    ]


def _m2m_names(model) -> list[str]:
    return [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def _rows(model, using: str) -> Iterator[list]:
    qs = model._base_manager.using(using).order_by("pk")
    if m2m := _m2m_names(model):
        qs = qs.prefetch_related(*m2m)
    chunk = []
    for obj in qs.iterator(chunk_size=2000):
        chunk.append(obj)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's rounds to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _jsonl(objects: list) -> bytes:
    """Django's JSON Lines serialisation, encoded by the C encoder (several times faster)."""
    rows = serializers.serialize("python", objects)
    return "".join(
        json.dumps(row, cls=_ExactEncoder, ensure_ascii=False) + "\n" for row in rows
    ).encode()


def _applied_migrations(using: str) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    if root is None or not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _snapshot_read(tar, using: str) -> dict:
    """Write the manifest and the rows, read in one transaction: one consistent snapshot.

    PostgreSQL: a repeatable-read, read-only transaction. SQLite (in WAL mode): a deferred
    transaction, whose first read fixes the snapshot — not the configured IMMEDIATE mode, which
    would hold the write lock and make the site's work wait for the backup.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    sqlite_mode = None
    if outermost and connection.vendor == "sqlite":
        connection.ensure_connection()
        # SQLite's transaction_mode (Django 5.1) is missing from django-stubs.
        sqlite_mode = connection.transaction_mode  # type: ignore[attr-defined]
        connection.transaction_mode = "DEFERRED"  # type: ignore[attr-defined]
    try:
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _write_members(tar, using)
    finally:
        if outermost and connection.vendor == "sqlite":
            connection.transaction_mode = sqlite_mode  # type: ignore[attr-defined]


def _write_members(tar, using: str) -> dict:
    models = backed_up_models()
    counts = {m._meta.label_lower: m._base_manager.using(using).count() for m in models}
    media = _media_files()
    manifest = {
        "format": FORMAT,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "migrations": _applied_migrations(using),
        "counts": counts,
        "media_files": len(media),
    }
    _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
    part = 0
    for model in models:
        for chunk in _rows(model, using):
            part += 1
            _add_bytes(tar, f"data/{part:06d}.jsonl", _jsonl(chunk))
    for path in media:
        tar.add(path, arcname=f"media/{path.relative_to(settings.MEDIA_ROOT).as_posix()}")
    return manifest


def backup_create(output: str | Path, passphrase: bytes, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write an encrypted backup to `output` (which must not exist yet); returns the manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another file name.")
    partial = output.with_name(output.name + ".part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupError(f"Cannot write {partial}: {exc.strerror}.") from None
    sealed = None
    try:
        with os.fdopen(fd, "wb") as raw:
            sealed = EncryptingWriter(raw, passphrase)  # the header; the key from scrypt
            with tarfile.open(fileobj=sealed, mode="w|gz") as tar:
                manifest = _snapshot_read(tar, using)
            sealed.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.rename(output)
    except BaseException:
        if sealed is not None:
            sealed.abort()
        partial.unlink(missing_ok=True)
        raise
    return manifest


# ---------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------


def rows_in_the_way(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Models holding rows that a new, migrated instance would not hold."""
    found = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in WRITTEN_BY_MIGRATE:
            continue
        if count := model._base_manager.using(using).count():
            found[label] = count
    return found


def _check_empty(using: str) -> None:
    if found := rows_in_the_way(using):
        listed = ", ".join(f"{label} ({n})" for label, n in sorted(found.items()))
        raise BackupError(
            "The target database already holds data: "
            f"{listed}. A backup is restored only into an empty instance, so nothing is "
            "overwritten or mixed: create a new database, run `manage.py migrate`, then restore."
        )
    if any(_media_files()):
        raise BackupError(
            f"MEDIA_ROOT ({settings.MEDIA_ROOT}) already holds files; restore into an empty one."
        )


def _check_manifest(manifest: dict, using: str) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations(using)))
    if missing:
        raise BackupError(
            "This backup was made by a newer version of Orienta: these migrations are not "
            f"applied here: {', '.join(missing[:10])}. Update the code, run `manage.py migrate`, "
            "then restore."
        )
    if manifest.get("media_files") and not settings.MEDIA_ROOT:
        raise BackupError("The backup holds uploaded files but MEDIA_ROOT is not set.")


def _safe_member(member: tarfile.TarInfo) -> PurePosixPath:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"Unexpected entry in the backup: {member.name!r}.")
    return path


def _load_rows(stream, using: str, loaded: Counter) -> None:
    """Insert the rows of one member (one model, at most CHUNK_ROWS rows) and their links.

    Inserted in bulk, as loaddata would save them (raw: no signals, no save() logic); a model
    that bulk_create would alter or cannot insert goes row by row (see `_bulk_safe`).
    """
    text = _moved_models_renamed(stream.read().decode("utf-8"))
    items = list(serializers.deserialize("jsonl", text, using=using))
    by_model: dict = {}
    for item in items:
        by_model.setdefault(type(item.object), []).append(item)
    for model, group in by_model.items():
        if not _bulk_safe(model):
            for item in group:
                item.save(using=using)
        else:
            model._base_manager.using(using).bulk_create([i.object for i in group], 500)
            _insert_links(model, group, using)
        loaded[model._meta.label_lower] += len(group)


def _moved_models_renamed(text: str) -> str:
    """The rows of a backup made before a model moved, under the model's label of today."""
    for old, new in MOVED_MODELS.items():
        text = text.replace(f'"model": "{old}"', f'"model": "{new}"')
    return text


def _bulk_safe(model) -> bool:
    """No parent table, and no field that rewrites its value on insert (auto_now_add...)."""
    if model._meta.parents:
        return False
    for field in model._meta.concrete_fields:
        if isinstance(field, DateField):  # and DateTimeField: they rewrite only with auto_now*
            if field.auto_now or field.auto_now_add:
                return False
        elif type(field).pre_save is not Field.pre_save:
            return False
    return True


def _insert_links(model, items: list, using: str) -> None:
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [
            through(**{f"{source}_id": item.object.pk, f"{target}_id": pk})
            for item in items
            for pk in item.m2m_data.get(field.name, [])
        ]
        through._base_manager.using(using).bulk_create(rows, 1000)


def _clear_written_by_migrate(using: str) -> None:
    """Remove what `migrate` wrote (countries, themes, content types, permissions): the backup
    brings its own rows, with their own keys."""
    for label in WRITTEN_BY_MIGRATE:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        # Raw: no signals, so nothing is journaled for the sync (the backup brings the journal).
        model._base_manager.using(using).all()._raw_delete(using)


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    models = backed_up_models()
    models += [f.remote_field.through for m in models for f in m._meta.many_to_many]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _restore_members(tar, reader, using: str, media_stage: Path) -> tuple[dict, Counter]:
    members = iter(tar)
    first = next(members, None)
    if first is None or first.name != "manifest.json":
        raise BackupError("The backup has no manifest: it is not a complete Orienta backup.")
    manifest = json.load(tar.extractfile(first))
    _check_manifest(manifest, using)
    loaded: Counter[str] = Counter()
    _clear_written_by_migrate(using)
    for member in members:
        path = _safe_member(member)
        if path.parts[0] == "data" and path.suffix == ".jsonl":
            _load_rows(tar.extractfile(member), using, loaded)
        elif path.parts[0] == "media" and len(path.parts) > 1:
            target = media_stage.joinpath(*path.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                dst.write(src.read())
        else:
            raise BackupError(f"Unexpected entry in the backup: {member.name!r}.")
    reader.drain()
    return manifest, loaded


def backup_restore(source: str | Path, passphrase: bytes, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore a backup into an empty instance, in one transaction; returns the manifest.

    Refuses a database (or MEDIA_ROOT) that already holds data. A wrong key, a damaged file or
    a row that does not load leaves the database as it was.
    """
    _check_empty(using)
    try:
        raw = open(source, "rb")  # noqa: SIM115 — closed below
    except OSError as exc:
        raise BackupError(f"Cannot read {source}: {exc.strerror}.") from None
    stage = Path(tempfile.mkdtemp(prefix="orienta-restore-"))
    try:
        with raw, transaction.atomic(using=using):
            reader = DecryptingReader(raw, passphrase)
            with tarfile.open(fileobj=io.BufferedReader(reader, 1 << 20), mode="r|gz") as tar:
                manifest, loaded = _restore_members(tar, reader, using, stage)
            _check_counts(manifest, loaded)
            _reset_sequences(using)
            connections[using].check_constraints()
            ContentType.objects.clear_cache()
            emit_post_migrate_signal(verbosity=0, interactive=False, db=using)
        _move_media(stage)
    except SealError as exc:
        raise BackupError(str(exc)) from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"The backup archive is damaged: {exc}.") from None
    except (serializers.base.DeserializationError, DatabaseError) as exc:
        raise BackupError(f"The backup does not load into this database: {exc}") from None
    finally:
        ContentType.objects.clear_cache()
        shutil.rmtree(stage, ignore_errors=True)
    return manifest


def _move_media(stage: Path) -> None:
    """After the commit: the uploaded files into MEDIA_ROOT."""
    try:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                target = Path(settings.MEDIA_ROOT) / path.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
    except OSError as exc:
        raise BackupError(
            f"The database is restored, but the uploaded files could not be written to "
            f"MEDIA_ROOT ({settings.MEDIA_ROOT}): {exc}. Fix it, empty the database, and "
            "restore again."
        ) from None


def _check_counts(manifest: dict, loaded: Counter) -> None:
    expected = {MOVED_MODELS.get(label, label): n for label, n in manifest["counts"].items() if n}
    if expected != dict(loaded):
        wrong = sorted(set(expected.items()) ^ set(loaded.items()))
        raise BackupError(f"The backup does not hold the rows its manifest lists: {wrong[:5]}.")

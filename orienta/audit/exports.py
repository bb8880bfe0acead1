"""Exports of personal data: made for one user, for a reason, logged, stored encrypted, expiring.

Any page that lets personal data leave the system as a file goes through here::

    from orienta.audit.exports import export_create

    export = export_create(
        by=request.user,
        reason=form.cleaned_data["reason"],
        filename="TD-NDJ1-000042.pdf",
        content_type="application/pdf",
        data=pdf_bytes,
        person=person,            # whom it is about, if one person (for their access log)
        request=request,
    )
    return redirect(export)       # the page with the download link

- The file is encrypted (AES-256-GCM, a key derived from the SECRET_KEY and the export's id)
  and written under MEDIA_ROOT/exports — never under the static files, never in clear.
- Only the user who asked may open the page or download the file: anyone else gets a 404.
- The link works for ORIENTA_EXPORT_LINK_MINUTES (15 by default); then the page says it has
  expired. The file is removed ORIENTA_EXPORT_KEEP_DAYS (7 by default) after it was made, by
  `exports_purge`, which `manage.py run_tasks` runs (orienta/audit/tasks.py).
- The export (with its reason) and every download are written in the access log.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orienta.audit.models import Action, Channel, Export
from orienta.audit.services import access_log_record
from orienta.lib.errors import OutOfScope

NONCE = 12
EXPORT_DIR = "exports"


def link_minutes() -> int:
    return int(getattr(settings, "ORIENTA_EXPORT_LINK_MINUTES", 15))


def keep_days() -> int:
    return int(getattr(settings, "ORIENTA_EXPORT_KEEP_DAYS", 7))


class ExportUnreadable(Exception):
    """The file is gone, damaged, or was sealed under a SECRET_KEY no longer configured."""


def _keys(export_id) -> list[AESGCM]:
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        AESGCM(
            HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=export_id.bytes,
                info=b"orienta-export/1",
            ).derive(secret.encode())
        )
        for secret in secrets_
    ]


def export_path(export: Export) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.sealed"


def _write_sealed(export: Export, data: bytes) -> None:
    nonce = secrets.token_bytes(NONCE)
    sealed = nonce + _keys(export.pk)[0].encrypt(nonce, data, export.pk.bytes)
    path = export_path(export)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(sealed)


@transaction.atomic
def export_create(
    *,
    by,
    reason: str,
    filename: str,
    content_type: str,
    data: bytes | str,
    person=None,
    request=None,
) -> Export:
    """Store `data` encrypted for `by` alone, log the export with its reason; returns the
    Export, whose `get_absolute_url` is the page with the download link."""
    if isinstance(data, str):
        data = data.encode()
    now = timezone.now()
    export = Export(
        created_at=now,
        created_by=by,
        reason=reason[:500],
        filename=_safe_filename(filename),
        content_type=content_type,
        size=len(data),
        person=getattr(person, "pk", None),
        site_id=getattr(person, "site_id", None),
        link_expires_at=now + timedelta(minutes=link_minutes()),
        purge_at=now + timedelta(days=keep_days()),
    )
    export.save()
    access_log_record(
        request=request,
        actor=by,
        action=Action.EXPORT,
        channel=Channel.EXPORT,
        object_type="person" if person is not None else "export_file",
        object_id=export.person or export.pk,
        person_id=export.person,
        site_id=export.site_id,
        query=export.reason,
    )
    # Last, so a failed write leaves no row; a failed commit leaves a file the purge removes.
    _write_sealed(export, data)
    return export


def _safe_filename(name: str) -> str:
    """Letters, digits, dots, dashes and underscores only: safe in a Content-Disposition."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "export"
    return cleaned[:200]


def export_for(user, pk) -> Export:
    """The user's own export; 404 for any other (even a coordinator of the same country)."""
    if not (user and user.is_authenticated and user.is_active):
        raise OutOfScope("export", pk)
    export = Export.objects.filter(pk=pk, created_by=user).first()
    if export is None:
        raise OutOfScope("export", pk)
    return export


def export_read(export: Export, *, request=None) -> bytes:
    """The decrypted file, logged as a download. ExportUnreadable if it cannot be read."""
    try:
        sealed = export_path(export).read_bytes()
    except OSError:
        raise ExportUnreadable from None
    nonce, body = sealed[:NONCE], sealed[NONCE:]
    for key in _keys(export.pk):
        try:
            data = key.decrypt(nonce, body, export.pk.bytes)
        except InvalidTag:
            continue
        Export.objects.filter(pk=export.pk).update(downloads=export.downloads + 1)
        access_log_record(
            request=request,
            action=Action.EXPORT,
            channel=Channel.EXPORT,
            object_type="export_file",
            object_id=export.pk,
            person_id=export.person,
            site_id=export.site_id,
        )
        return data
    raise ExportUnreadable


def exports_purge(now) -> int:
    """Remove the files of exports past their `purge_at` (and stray files of no export);
    returns how many exports were purged."""
    due = list(Export.objects.filter(purged_at__isnull=True, purge_at__lte=now))
    for export in due:
        export_path(export).unlink(missing_ok=True)
    Export.objects.filter(pk__in=[e.pk for e in due]).update(purged_at=now)
    _remove_strays(now)
    return len(due)


def _remove_strays(now) -> None:
    """Files whose export row does not exist (a transaction rolled back after the write), an
    hour old at least: a younger one may belong to an export not committed yet."""
    folder = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    if not folder.is_dir():
        return
    names = {}
    for path in folder.glob("*.sealed"):
        if path.stat().st_mtime > now.timestamp() - 3600:
            continue
        try:
            names[UUID(path.stem)] = path
        except ValueError:
            continue  # not a file this module wrote
    live = set(Export.objects.filter(pk__in=list(names)).values_list("pk", flat=True))
    for pk, path in names.items():
        if pk not in live:
            path.unlink(missing_ok=True)

"""Files of the resource centre and the diagnostics' reports: checked by size and by content.

The type is read from the file's first bytes (and, for office documents, from the package
inside), never trusted from its name or from the browser. Files are kept under MEDIA_ROOT
(var/media/networks/), which is never served statically: the resource centre's and the
diagnostics' download pages serve them to those who may read the record.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from orienta.lib.ids import uuid7

PDF = ("application/pdf", "pdf")
PNG = ("image/png", "png")
JPEG = ("image/jpeg", "jpg")
# Office documents are zip packages: the part that names the kind -> (content type, extension).
OFFICE = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
}
ODF = {
    b"application/vnd.oasis.opendocument.text": ("application/vnd.oasis.opendocument.text", "odt"),
    b"application/vnd.oasis.opendocument.spreadsheet": (
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
    ),
}


def max_bytes() -> int:
    return int(getattr(settings, "NETWORKS_FILE_MAX_BYTES", 10 * 1024 * 1024))


def _office(raw: bytes) -> tuple[str, str] | None:
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        names = set(package.namelist())
        if "mimetype" in names:
            return ODF.get(package.read("mimetype").strip())
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in OFFICE.items() if part in names), None)


def sniff(raw: bytes) -> tuple[str, str] | None:
    """(content type, extension) read from the content; None for a type not accepted."""
    if raw.startswith(b"%PDF-"):
        return PDF
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if raw.startswith(b"\xff\xd8\xff"):
        return JPEG
    if raw.startswith(b"PK\x03\x04"):
        return _office(raw)
    return None


def document_check(upload: UploadedFile[bytes], *, report: bool = False) -> UploadedFile[bytes]:
    """The upload, renamed and typed from its content; ValidationError if it is too large or
    not a PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or an image. A
    report is a PDF only."""
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            _("The file is too large (%(size)s): at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    raw = upload.read()
    upload.seek(0)
    kind = sniff(raw)
    if report and kind != PDF:
        raise ValidationError(_("Attach the report as a PDF file."), code="file_type")
    if kind is None:
        raise ValidationError(
            _(
                "Attach a PDF, a Word, Excel, PowerPoint or OpenDocument file, or an image "
                "(PNG, JPEG)."
            ),
            code="file_type",
        )
    upload.content_type, extension = kind
    upload.name = f"{uuid7()}.{extension}"
    return upload


def download(file: Any, content_type: str, name: str) -> FileResponse:
    """A stored file as an attachment under a name of ours (never the uploader's), never
    sniffed into something else by the browser, never kept in a cache."""
    response = FileResponse(file.open("rb"), content_type=content_type, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def document_download(document: Any) -> FileResponse:
    extension = document.file.name.rsplit(".", 1)[-1] if document.file.name else "bin"
    return download(document.file, document.content_type, f"document-{document.pk}.{extension}")

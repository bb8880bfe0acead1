"""Receipts attached to payments: images or PDF, checked by size and by content.

The type is read from the file's first bytes, not trusted from its name or from the browser.
Files are stored under MEDIA_ROOT (fund/receipts/), which is never served statically; the
fund's receipt page serves one to those who may see its request, and logs it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from orienta.lib.ids import uuid7

# Leading bytes -> (content type, extension).
SIGNATURES = [
    (b"%PDF-", ("application/pdf", "pdf")),
    (b"\xff\xd8\xff", ("image/jpeg", "jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", "png")),
]


def max_bytes() -> int:
    return int(getattr(settings, "FUND_RECEIPT_MAX_BYTES", 2 * 1024 * 1024))


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", "webp")
    return None


def receipt_check(upload: UploadedFile[bytes]) -> UploadedFile[bytes]:
    """The upload, renamed and typed from its content; ValidationError if too big or not an
    image (JPEG, PNG, WebP) or a PDF."""
    size = upload.size
    assert size is not None  # a file uploaded with a request knows its size
    if size > max_bytes():
        raise ValidationError(
            _("The receipt is too large (%(size)s): at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())},
            code="too_large",
        )
    upload.seek(0)
    kind = _sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError(
            _("Attach a photo (JPEG, PNG, WebP) or a PDF of the receipt."), code="file_type"
        )
    upload.content_type, extension = kind
    upload.name = f"{uuid7()}.{extension}"
    return upload

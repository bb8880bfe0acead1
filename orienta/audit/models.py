"""The access log: who read, searched, exported or printed personal data, who signed in, and
who was refused.

It is append-only and hash-chained. Entries are numbered without gaps (`seq`); each one stores
the hash of the entry before it (`prev_hash`) and its own hash, computed over its fields and
that `prev_hash`. Changing, removing or inserting an entry anywhere breaks the chain, and
`manage.py verify_access_log` names the first entry where it breaks.

The text of a search (or a refused address, or an export's reason) can name a person, and an
erasure must be able to remove it. So the hash covers a keyed digest of that text
(`query_digest`, an HMAC under the SECRET_KEY), not the text itself: the text can be cleared
(`access_log_scrub`) and the chain still verifies, while a text changed into another no longer
matches its digest. Entries written before the digest existed are hashed over their text.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from uuid import UUID

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Role, Site
from orienta.lib.choices import ChoiceLabels
from orienta.lib.errors import AppendOnly
from orienta.lib.ids import uuid7

# The prev_hash of the first entry.
GENESIS = "0" * 64


class Action(models.TextChoices):
    READ = "read", _("Read")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")
    LOGIN = "login", _("Sign-in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Sign-out")
    REFUSED = "refused", _("Refused")


class Channel(models.TextChoices):
    PAGE = "page", _("Page")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")


# What was looked at, as shown to the readers of the log.
OBJECT_LABELS = {
    "person": _("person record"),
    "household": _("household"),
    "visit": _("visits"),
    "access_log": _("access log"),
    "access_account": _("access statement"),
    "export_file": _("export file"),
    "case": _("case"),
    "referral": _("referral"),
    "fund_request": _("support-fund request"),
    "results": _("results (aggregate figures)"),
    "indicator_records": _("records behind a figure"),
}

QUERY_DIGEST_SALT = "orienta.audit.query"

# The fields the hash covers, in the order of the canonical JSON (keys are sorted anyway).
HASHED_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "person",
    "site_id",
    "channel",
    "path",
    "query",
    "results",
    "status",
    "ip",
    "user_agent",
    "prev_hash",
)


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("access log entries are never changed")

    def delete(self):
        raise AppendOnly("access log entries are never removed")


class AccessLogEntry(ChoiceLabels):
    """One access to personal data (or one sign-in, sign-out or refusal). Written only by
    `orienta.audit.services.access_log_record`."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The actor's username and role when it happened; for a failed sign-in, the name typed.
    username = models.CharField(max_length=150, blank=True, editable=False)
    role = models.CharField(max_length=20, blank=True, editable=False)
    action = models.CharField(max_length=20, choices=Action.choices, editable=False)
    object_type = models.CharField(max_length=40, blank=True, editable=False)
    object_id = models.UUIDField(null=True, editable=False)
    # The person concerned, kept as a plain id: the log outlives the record it speaks of.
    person = models.UUIDField(null=True, editable=False)
    site = models.ForeignKey(
        Site,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, editable=False)
    path = models.CharField(max_length=300, blank=True, editable=False)
    # The search text or filters, as given: who searched for whom is part of accountability.
    # Cleared when the person it names is erased; its digest stays in the chain.
    query = models.CharField(max_length=500, blank=True, editable=False)
    query_digest = models.CharField(max_length=64, blank=True, editable=False)
    results = models.PositiveIntegerField(null=True, editable=False)
    # The HTTP status of a refusal (403: the role may not; 404: out of scope or absent).
    status = models.PositiveSmallIntegerField(null=True, editable=False)
    ip = models.CharField(max_length=45, blank=True, editable=False)
    user_agent = models.CharField(max_length=200, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        indexes = [models.Index(fields=["person", "seq"], name="audit_person_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs) -> None:
        # New entries are inserted by access_log_record, in their place in the chain.
        raise AppendOnly("access log entries are written by access_log_record, never changed")

    def delete(self, *args, **kwargs):
        raise AppendOnly("access log entries are never removed")

    def canonical(self) -> bytes:
        """The entry's fields and prev_hash as canonical JSON: sorted keys, no spaces, UTF-8."""
        data = {name: _plain(getattr(self, name)) for name in HASHED_FIELDS}
        if self.query_digest:  # the digest stands for the text, which may be cleared
            del data["query"]
            data["query_digest"] = self.query_digest
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def query_matches(self) -> bool:
        """The text is as written (or was cleared): it still gives its digest."""
        if not self.query or not self.query_digest:
            return True
        return any(hmac.compare_digest(d, self.query_digest) for d in query_digests(self.query))

    @property
    def query_cleared(self) -> bool:
        return bool(self.query_digest) and not self.query

    def object_label(self) -> str:
        return str(OBJECT_LABELS.get(self.object_type, self.object_type))

    def role_label(self) -> str:
        return str(dict(Role.choices).get(self.role, self.role))


def query_digest(text: str) -> str:
    """The keyed digest of a query text (HMAC-SHA256 under the SECRET_KEY); "" for no text."""
    if not text:
        return ""
    return salted_hmac(QUERY_DIGEST_SALT, text, algorithm="sha256").hexdigest()


def query_digests(text: str) -> list[str]:
    """The digests of the text under the SECRET_KEY and each of SECRET_KEY_FALLBACKS."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(QUERY_DIGEST_SALT, text, secret=key, algorithm="sha256").hexdigest()
        for key in keys
    ]


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, UUID):
        return str(value)
    return value


class Export(models.Model):
    """A file of personal data made for one user, for a stated reason.

    The file is stored encrypted under MEDIA_ROOT/exports (`orienta.audit.exports`); only the
    user who asked may download it, until `link_expires_at`; the file is removed at `purge_at`.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made for"),
        editable=False,
    )
    reason = models.CharField(_("reason"), max_length=500, editable=False)
    filename = models.CharField(_("file name"), max_length=200, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size in bytes"), editable=False)
    # Whom the file is about, when it is about one person (kept as a plain id, like the log).
    person = models.UUIDField(null=True, blank=True, editable=False)
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    link_expires_at = models.DateTimeField(_("link valid until"), editable=False)
    purge_at = models.DateTimeField(_("file removed at"), editable=False)
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    downloads = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["purged_at", "purge_at"], name="audit_export_purge")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("audit:export", args=[self.pk])

    def link_valid(self, now=None) -> bool:
        return self.purged_at is None and (now or timezone.now()) < self.link_expires_at

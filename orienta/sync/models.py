"""The change journal (the node's outbox, the central server's ordered log), the nodes enrolled
at the central server, what each exchange answered, the conflicts, and the node's own state.

The same tables serve both sides: a node writes its changes in `Change` and pushes them; the
central server writes in `Change` every change it makes or accepts, numbered by `seq`, and
serves them to the nodes in that order.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.lib.choices import ChoiceLabels
from orienta.lib.ids import uuid7
from orienta.lib.text import no_bidi_controls


class Op(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class Ack(models.TextChoices):
    APPLIED = "applied", _("applied")
    MERGED = "merged", _("merged")
    CONFLICT = "conflict", _("conflict")
    REJECTED = "rejected", _("rejected")


class Change(ChoiceLabels):
    """One change of a synced record, written in the transaction that made it."""

    id = models.BigAutoField(primary_key=True)
    change_id = models.UUIDField(unique=True, default=uuid7, editable=False)
    model = models.CharField(max_length=60)
    record = models.CharField(max_length=64)
    op = models.CharField(max_length=8, choices=Op.choices)
    # The record's version before the change (0 for a creation, or a model without versions).
    base_version = models.PositiveIntegerField(default=0)
    # The central server's sequence number the node had pulled up to when the change was made:
    # the server's changes after it are the concurrent ones (node changes only).
    base_seq = models.BigIntegerField(null=True, blank=True)
    # The version the record has after the change, on the side that numbered it.
    version = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=dict)
    author = models.UUIDField(null=True, blank=True)
    hlc = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)
    # The partition: the record's site; `shared` for reference data that every node pulls.
    site_id = models.UUIDField(null=True, blank=True)
    shared = models.BooleanField(default=False)
    # Central server: the global order, the pull cursor. None on a node.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    # Central server: the node the change came from (None: made at the central server).
    origin = models.UUIDField(null=True, blank=True)
    # Node: the batch that carried it, and the central server's answer.
    batch = models.UUIDField(null=True, blank=True)
    ack = models.CharField(max_length=10, choices=Ack.choices, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["model", "record"], name="sync_change_record"),
            models.Index(fields=["ack", "id"], name="sync_change_outbox"),
            models.Index(fields=["site_id", "seq"], name="sync_change_partition"),
            models.Index(fields=["shared", "seq"], name="sync_change_shared"),
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.model} {self.record}"


class Counter(models.Model):
    """Central server: the last sequence number given (one row, locked while a change is
    numbered, so numbers are visible in the order they are committed)."""

    name = models.CharField(max_length=20, primary_key=True, validators=[no_bidi_controls])
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Node(models.Model):
    """Central server: a site node, from its enrolment code to its revocation."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    # The node's part of the readable codes it makes offline (N1, N2… per site).
    number = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=80, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    cursor = models.BigIntegerField(default=0)
    backlog = models.PositiveIntegerField(default=0)
    app_version = models.CharField(max_length=20, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    wipe = models.BooleanField(default=False)
    # When the node was last told to erase its data, and when it confirmed it did.
    wiped_at = models.DateTimeField(null=True, blank=True)
    # The node's block of referral codes (Z + two letters of it), unique among all nodes.
    code_block = models.PositiveSmallIntegerField(null=True, blank=True, unique=True)
    # What the node may approve from its site's fund while offline, in the fund's currency;
    # the central server keeps it aside from its own approvals (None: nothing, it waits).
    allowance = models.DecimalField(
        _("offline allowance"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The last integrity check: when, and the models whose count or hash differed.
    checked_at = models.DateTimeField(null=True, blank=True)
    mismatch = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["site__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="sync_node_number_per_site")
        ]

    def __str__(self) -> str:
        return f"N{self.number}"


class Batch(models.Model):
    """Central server: a batch received, with the acknowledgements it was given (a batch sent
    again gets them back and applies nothing)."""

    id = models.UUIDField(primary_key=True)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="batches")
    received_at = models.DateTimeField(default=timezone.now)
    acks = models.JSONField(default=list)

    def __str__(self) -> str:
        return str(self.id)


class Receipt(ChoiceLabels):
    """Central server: the answer given to each change id, applied or not."""

    change_id = models.UUIDField(primary_key=True)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    ack = models.CharField(max_length=10, choices=Ack.choices)
    reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.change_id} {self.ack}"


class Conflict(models.Model):
    """A field changed on both sides: the server's value is kept until a supervisor chooses."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="conflicts")
    change_id = models.UUIDField()
    model = models.CharField(max_length=60)
    record = models.CharField(max_length=64)
    field = models.CharField(max_length=60)
    server_value = models.JSONField(null=True)
    node_value = models.JSONField(null=True)
    node_author = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kept = models.CharField(max_length=6, blank=True)  # "server" or "node"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["site", "resolved_at"], name="sync_conflict_open")]

    def __str__(self) -> str:
        return f"{self.model}.{self.field} {self.record}"


class NodeState(models.Model):
    """Node: its identity at the central server, its pull cursor, its last exchanges (one row)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    central_url = models.URLField()
    node_id = models.UUIDField()
    number = models.PositiveSmallIntegerField()
    site_id = models.UUIDField()
    site_code = models.CharField(max_length=12, validators=[no_bidi_controls])
    token = models.CharField(max_length=128)
    cursor = models.BigIntegerField(default=0)
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)
    # Set when the central server answered that this node is revoked: it stops syncing.
    stopped = models.BooleanField(default=False)
    wipe = models.BooleanField(default=False)
    # The node's own counters of readable codes ({"person": 12, "case": 3…}): never the site's.
    counters = models.JSONField(default=dict)
    # Its block of referral codes, given by the central server at enrolment.
    code_block = models.PositiveSmallIntegerField(null=True, blank=True)
    # What it may approve from the site's fund until it syncs again, as the central server said
    # at the last exchange (None: nothing), in `allowance_currency`.
    allowance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    allowance_currency = models.CharField(max_length=3, blank=True)
    # The last integrity check: when, and the models whose count or hash differed from the
    # central server's (each then pulled again in full).
    checked_at = models.DateTimeField(null=True, blank=True)
    mismatch = models.JSONField(default=list, blank=True)
    repaired = models.JSONField(default=list, blank=True)
    # When it erased its site's data on the central server's order.
    wiped_at = models.DateTimeField(null=True, blank=True)
    # The highest clock stamp received from the central server: a node restarted with its
    # clock hours late still stamps its next changes after it.
    hlc = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.site_code}-N{self.number}"


class Quarantine(models.Model):
    """Node: a pulled change that could not be applied, kept with its error (never dropped)."""

    seq = models.BigIntegerField(primary_key=True)
    change = models.JSONField()
    error = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.seq}: {self.error}"

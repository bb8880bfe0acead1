"""SMS: every message sent or received, with its delivery and cost, and the numbers that opted
out.

A message is written once by a service and then moves through its statuses (queued, sent,
delivered, failed...) as the gateway answers; its body is kept for the retries and shown only
to the roles that read free text (`orienta.core.access.reads_sms_text`).
"""

from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orienta.core.access import coordinates_country, manages_sites, reads_sms_log
from orienta.core.models import BaseModel, Country, Site
from orienta.core.scoping import assigned_site_ids
from orienta.core.types import AnyUser
from orienta.lib.ids import uuid7


class Direction(models.TextChoices):
    OUT = "out", _("Outgoing")
    IN = "in", _("Incoming")


class Purpose(models.TextChoices):
    REFERRAL_CODE = "referral_code", _("Referral code")
    REMINDER = "reminder", _("Appointment reminder")
    REPLY = "reply", _("Reply to a message")
    CONFIRMATION = "confirmation", _("Provider's confirmation")
    OPT_OUT = "opt_out", _("Opt-out")
    OTHER = "other", _("Other message")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Waiting for a new attempt")
    SENT = "sent", pgettext_lazy("an SMS", "Sent")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    FAILED = "failed", _("Failed")
    BLOCKED = "blocked", _("Not sent: the number opted out")
    RECEIVED = "received", pgettext_lazy("an SMS", "Received")


# Statuses from which the sending task still has something to do.
PENDING_STATUSES = (Status.QUEUED, Status.RETRY)
# Statuses a message never leaves.
FINAL_STATUSES = (Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.BLOCKED)


class SmsMessageQuerySet(models.QuerySet["SmsMessage"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """The log: a site manager their sites' messages, a coordinator their country's, M&E
        and administrators every country's (masked, `reads_sms_text`); nobody else."""
        if not reads_sms_log(user):
            return self.none()
        qs = self.filter(deleted_at__isnull=True)
        if manages_sites(user):
            return qs.filter(site_id__in=assigned_site_ids(user))
        if coordinates_country(user):
            return qs.filter(country_id=user.country_id)
        return qs


class SmsMessage(BaseModel):
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("site"),
    )
    # The country of the number (costs are reported per country), also for the messages of
    # senders that belong to no site.
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    phone = models.CharField(_("phone"), max_length=20)
    body = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referral"),
    )
    # What the message is about, unique: the same referral's code or the same appointment's
    # reminder is never sent twice (e.g. "referral:<id>", "followup:<id>:<date>").
    key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    backend = models.CharField(_("gateway"), max_length=40, blank=True)
    external_id = models.CharField(_("gateway's reference"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    segments = models.PositiveSmallIntegerField(_("segments"), default=1)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=4, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)

    objects = SmsMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        indexes = [
            models.Index(fields=["site", "created_at"], name="sms_site_created"),
            models.Index(fields=["status", "next_attempt_at"], name="sms_pending"),
            models.Index(fields=["backend", "external_id"], name="sms_external"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.purpose} {self.status}"


class OptOut(models.Model):
    """A number that sent STOP: nothing is sent to it any more, whoever it belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    phone = models.CharField(_("phone"), max_length=20, unique=True)
    at = models.DateTimeField(_("date"))
    keyword = models.CharField(_("word received"), max_length=20)
    message = models.ForeignKey(
        SmsMessage, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self) -> str:
        return self.phone

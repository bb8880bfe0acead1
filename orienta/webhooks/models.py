"""Integrations with partner systems: webhook subscriptions and their deliveries, and the DHIS2
instance a country pushes its results to, with each push's import summary.

These rows are the central server's configuration and its outbound log, not records of a site:
they do not sync to site nodes. Secrets (a subscription's signing secret, DHIS2's password or
token) are stored sealed (`orienta.webhooks.sealing`), never in clear.
"""

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.access import coordinates_country, manages_webhooks, pushes_dhis2
from orienta.core.models import BaseModel, Country, Organisation
from orienta.core.types import AnyUser
from orienta.lib.choices import ChoiceLabels
from orienta.lib.ids import uuid7
from orienta.lib.text import no_bidi_controls
from orienta.webhooks.outbound import translated


class EventType(models.TextChoices):
    """What a partner system may subscribe to (the payloads are in docs/webhooks.md)."""

    REFERRAL_SENT = "referral.sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral.accepted", _("Referral accepted by the provider")
    REFERRAL_DECLINED = "referral.declined", _("Referral declined by the provider")
    REFERRAL_SERVED = "referral.served", _("Person served")
    REFERRAL_NOT_SERVED = "referral.not_served", _("Person not served")
    REFERRAL_CANCELLED = "referral.cancelled", _("Referral cancelled")
    REFERRAL_EXPIRED = "referral.expired", _("Referral expired without an answer")
    CASE_OPENED = "case.opened", _("Case opened")
    CASE_STARTED = "case.started", _("Case follow-up started")
    CASE_CLOSED = "case.closed", _("Case closed")
    CASE_REOPENED = "case.reopened", _("Case reopened")


# The event of a test sent from the page: not something one subscribes to.
PING = "ping"


def _scope_filter(user: AnyUser | None, reads: bool, prefix: str = "") -> Q:
    if not reads:
        return Q(pk__in=[])
    if coordinates_country(user):
        return Q(**{f"{prefix}country_id": user.country_id})
    return Q()


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Administrators: every subscription; coordinators: their country's; others: none."""
        return self.filter(_scope_filter(user, manages_webhooks(user)), deleted_at__isnull=True)


class DisabledReason(models.TextChoices):
    BY_USER = "by_user", _("Disabled by a user")
    FAILURES = "failures", _("Disabled after repeated failures")


class Subscription(BaseModel):
    """A partner system's address that receives the events it chose, of its scope only: its
    country, and if an organisation is given, only what concerns that organisation (the
    referrals to its services or from the sites it runs, the cases of the sites it runs)."""

    name = models.CharField(_("name"), max_length=120, validators=[no_bidi_controls])
    url = models.URLField(_("address (URL)"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("organisation"),
        help_text=_(
            "Only the events that concern this organisation: the referrals to its services or "
            "from the sites it runs, the cases of the sites it runs. Empty: the whole country."
        ),
    )
    secret_sealed = models.TextField(editable=False)
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(
        max_length=20, choices=DisabledReason.choices, blank=True, editable=False
    )
    # Failed attempts in a row; a success sets it back to 0 (WEBHOOK_DISABLE_AFTER).
    failure_streak = models.PositiveIntegerField(default=0, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels[e]) for e in self.events if e in labels]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Will be retried")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


OPEN_DELIVERY_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        return self.filter(
            _scope_filter(user, manages_webhooks(user), "subscription__"),
            subscription__deleted_at__isnull=True,
        )


class Delivery(ChoiceLabels):
    """One event sent to one subscription: its payload as sent (minimal, no name, no free
    text), and how its attempts went. An event reaches a subscription at most once
    (`event_id`); its retries carry the same id (the `X-Orienta-Delivery` header)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    # The event log's entry (core.Event) this delivery tells of; None for a test.
    event_id = models.UUIDField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    # What went wrong, untranslated, and its values: shown in the reader's language.
    error = models.CharField(_("error"), max_length=300, blank=True)
    error_params = models.JSONField(default=dict, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="one_delivery_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.status})"

    @property
    def is_test(self) -> bool:
        return self.event == PING

    @property
    def event_label(self) -> str:
        return str(dict(EventType.choices).get(self.event, self.event))

    @property
    def error_message(self) -> str:
        return translated(self.error, self.error_params)


# DHIS2
# =============================================================================================


class Dhis2Auth(models.TextChoices):
    TOKEN = "token", _("Personal access token")
    BASIC = "basic", _("Username and password")


class Dhis2Connection(BaseModel):
    """The DHIS2 instance a country's results are pushed to."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    url = models.URLField(
        _("DHIS2 address"),
        max_length=300,
        help_text=_("The address of the DHIS2 server, e.g. https://dhis2.sante.gov.td"),
    )
    auth = models.CharField(
        _("sign in with"), max_length=10, choices=Dhis2Auth.choices, default=Dhis2Auth.TOKEN
    )
    username = models.CharField(_("username"), max_length=120, blank=True)
    secret_sealed = models.TextField(editable=False)

    class Meta:
        verbose_name = _("DHIS2 connection")
        verbose_name_plural = _("DHIS2 connections")

    def __str__(self) -> str:
        return f"{self.country.code} → {self.url}"


class PushStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Sending")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class Dhis2PushQuerySet(models.QuerySet["Dhis2Push"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """M&E and administrators: every country's; coordinators: their country's."""
        return self.filter(_scope_filter(user, pushes_dhis2(user)))


class Dhis2Push(ChoiceLabels):
    """One push of a country's figures for a period, and what DHIS2 answered."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    period = models.CharField(_("period"), max_length=12)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=PushStatus.choices, default=PushStatus.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    values_sent = models.PositiveIntegerField(_("values sent"), default=0)
    unmapped = models.JSONField(default=list)
    suppressed = models.PositiveIntegerField(_("values left out (small counts)"), default=0)
    import_status = models.CharField(max_length=20, blank=True)
    imported = models.PositiveIntegerField(_("imported"), null=True, blank=True)
    updated = models.PositiveIntegerField(_("updated"), null=True, blank=True)
    ignored = models.PositiveIntegerField(_("ignored"), null=True, blank=True)
    deleted = models.PositiveIntegerField(_("deleted"), null=True, blank=True)
    # DHIS2's conflicts, as it words them: [{"object": UID, "value": sentence}], at most 100.
    conflicts = models.JSONField(default=list)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    error_params = models.JSONField(default=dict, blank=True)

    objects = Dhis2PushQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("DHIS2 push")
        verbose_name_plural = _("DHIS2 pushes")

    def __str__(self) -> str:
        return f"{self.country_id} {self.period} {self.status}"

    @property
    def error_message(self) -> str:
        return translated(self.error, self.error_params)

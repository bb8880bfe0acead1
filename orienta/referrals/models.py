"""Referrals: a person sent to a service, and what became of it (the loop, closed).

A referral carries the minimum data the provider needs, chosen by the agent from a fixed list
(`SharedField`), a reference code short enough to read over the phone, and an append-only
history of its transitions (`ReferralEvent`). Providers without an account answer through a
link (`ReferralLink`) whose token is never stored: only its hash is.
"""

import hashlib
import hmac
from base64 import urlsafe_b64encode
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from orienta.cases.models import Case
from orienta.core.access import is_provider
from orienta.core.models import BaseModel, Site
from orienta.core.scoping import personal_site_filter
from orienta.core.types import AnyUser
from orienta.lib.choices import ChoiceLabels
from orienta.lib.codes import NODE_LINK_MARK
from orienta.lib.ids import uuid7

# Reference codes: no 0/O, 1/I/L, so that they survive being read over a bad phone line.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SERVED = "served", _("Served")
    NOT_SERVED = "not_served", _("Not served")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# Where each status may go. Expired referrals still take the outcome learned at follow-up.
TRANSITIONS: dict[str, set[str]] = {
    Status.SENT: {
        Status.ACCEPTED,
        Status.DECLINED,
        Status.SERVED,
        Status.NOT_SERVED,
        Status.EXPIRED,
        Status.CANCELLED,
    },
    Status.ACCEPTED: {Status.SERVED, Status.NOT_SERVED, Status.CANCELLED},
    Status.EXPIRED: {Status.SERVED, Status.NOT_SERVED},
}
# Waiting for the provider.
OPEN_STATUSES = (Status.SENT, Status.ACCEPTED)
# The provider (or the agent, at follow-up) said something.
ANSWERED_STATUSES = (Status.ACCEPTED, Status.DECLINED, Status.SERVED, Status.NOT_SERVED)


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent")


class SharedField(models.TextChoices):
    """What of the person a referral may pass to the provider; the agent ticks each one."""

    GIVEN_NAME = "given_name", _("Given name")
    FAMILY_NAME = "family_name", _("Family name")
    SEX = "sex", _("Sex")
    AGE = "age", _("Age")
    PHONE = "phone", _("Phone")
    DOCUMENTS = "documents", _("Civil documents held")


class Actor(models.TextChoices):
    USER = "user", _("Orienta user")
    PROVIDER_LINK = "provider_link", _("Provider, through the link")
    PROVIDER_ACCOUNT = "provider_account", _("Provider, with an account")
    PROVIDER_SMS = "provider_sms", _("Provider, by SMS")
    SYSTEM = "system", _("Orienta (automatic)")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Site staff and coordinators: their scope, minus the referrals of sensitive cases
        they may not see. Providers: the referrals to their organisation's services. Others:
        nothing."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        qs = self.filter(deleted_at__isnull=True)
        if is_provider(user):
            if not user.organisation_id:
                return self.none()
            return qs.filter(service__organisation_id=user.organisation_id)

        # A referral from a case: that case visible to the user, looked up by its key for each
        # referral listed (`case IN (every visible case of the site)` read all the site's cases
        # for every list). Not the case's rule on the joined case (`cases.visible_filter`):
        # cheaper to build, but inside the fund's "a referral the user may see" subquery
        # PostgreSQL then read every visible referral (50 ms against 7 a list).
        visible_case = Case.objects.visible_to(user).filter(pk=OuterRef("case_id"))
        return qs.filter(
            personal_site_filter(user),
            Q(case__isnull=True) | Exists(visible_case),
        )


class Referral(BaseModel):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("person"),
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("service"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("case"),
    )
    action = models.ForeignKey(
        "cases.CaseAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("case action"),
    )
    visit = models.ForeignKey(
        "frontdesk.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("visit"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("site")
    )
    code = models.CharField(_("reference"), max_length=7, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    reason = models.TextField(_("reason"))
    shared_fields = models.JSONField(_("data shared with the provider"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent on"))
    # The provider is expected to answer before this (sent_at + the service's response time).
    answer_due_at = models.DateTimeField(_("answer expected by"))
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    served_at = models.DateTimeField(_("served on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    # Sent without the person's consent to sharing, on a site manager's written decision.
    consent_override_reason = models.TextField(_("reason for sending without consent"), blank=True)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent overridden by"),
    )

    # Set by the retention rule: the free text is emptied, the record kept for the counts.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReferralQuerySet.as_manager()

    # Set on the referrals of a list by `referrals.queries` (`label_persons`, `mark_masked`).
    person_label: str
    masked: bool

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["site", "status", "sent_at"]),
            models.Index(fields=["site", "sent_at"], name="referral_site_sent"),  # the list
            models.Index(fields=["status", "answer_due_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def shared_labels(self) -> list[str]:
        labels = dict(SharedField.choices)
        return [str(labels[f]) for f in SharedField.values if f in self.shared_fields]


class ReferralEvent(ChoiceLabels):
    """One step of a referral: sent, answered, served... Append-only, timestamped and
    attributed (a user, a provider through the link, or the system)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("date"), db_index=True)
    verb = models.CharField(_("what"), max_length=30)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    actor = models.CharField(_("by"), max_length=20, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.verb}"


class ReferralLink(models.Model):
    """A link a provider without an account opens to answer one referral.

    The token is derived from the link's id with the server's secret key, so a reprinted slip
    carries the same link; the database holds only the token's hash.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="links")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def token(self) -> str:
        return link_token(self.id)


def link_token(link_id) -> str:
    """The token of a link, derived with this server's secret key: a site node's (its own key)
    carries the node's mark, and the central server cannot derive it again (`link_for`)."""
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"referral-link:{link_id}".encode(), hashlib.sha256
    ).digest()
    token = urlsafe_b64encode(mac).decode().rstrip("=")
    return NODE_LINK_MARK + token if settings.ORIENTA_NODE else token


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

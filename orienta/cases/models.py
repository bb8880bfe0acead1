"""Cases (prise en charge): needs, assessment, action plan, follow-ups and their timeline.

A case belongs to a site and to a responsible agent. A sensitive case (violence, child
protection...) is seen only by its responsible agent and the site's managers; anyone else whose
role could see the site must "break the glass": state a reason, and get a few hours of access,
logged and shown to the manager.
"""

import operator
from datetime import UTC, datetime
from functools import reduce
from typing import Any, Self
from uuid import UUID

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.access import can_record, is_agent, is_site_manager
from orienta.core.models import BaseModel, Site, User
from orienta.core.scoping import personal_site_filter, writable_sites
from orienta.core.types import AnyUser
from orienta.lib import fixed
from orienta.lib.choices import ChoiceLabels
from orienta.lib.ids import uuid7

DEFAULT_NO_CONTACT_DAYS = 30


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("Needs met")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    MOVED = "moved", _("Moved away")
    REFUSED = "refused", _("Refused further support")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ContactKind(models.TextChoices):
    OFFICE = "office", _("At the office")
    PHONE = "phone", _("By phone")
    HOME_VISIT = "home_visit", _("Home visit")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CaseSettings(BaseModel):
    """A site's settings for cases, and the counter of its case codes."""

    site = models.OneToOneField(
        Site, on_delete=models.PROTECT, related_name="case_settings", verbose_name=_("site")
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("days without contact before a case is flagged"),
        default=DEFAULT_NO_CONTACT_DAYS,
        help_text=_("The worklist lists the open cases nobody contacted for this many days."),
    )
    case_seq = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("case settings of a site")
        verbose_name_plural = _("case settings of sites")

    def __str__(self) -> str:
        return str(self.site)


# The user object's copy of its running break-the-glass accesses (see `granted_case_ids`),
# and the mark that it must not keep one.
GRANTS_MEMO = "_case_grants"
GRANTS_FRESH = "_case_grants_fresh"
NEVER = datetime.max.replace(tzinfo=UTC)


def granted_case_ids(user: User) -> list[UUID]:
    """The cases the user holds a break-the-glass access to, still running, in id order.

    Read once for the user object (once a request: every list of cases, referrals and fund
    requests filters on them, several times a page) and kept until the first of them ends. A
    grant saved for this user object (the request that breaks the glass) drops the copy, and
    the object then reads them afresh each time, so a grant rolled back is never kept."""
    now = timezone.now()
    memo: tuple[list[UUID], datetime] | None = getattr(user, GRANTS_MEMO, None)
    if memo is not None and now < memo[1]:
        return memo[0]
    expires_at, user_pk = CaseAccessGrant._meta.get_field("expires_at"), User._meta.pk
    assert isinstance(expires_at, models.Field) and user_pk is not None
    grants = RUNNING_GRANTS.run(
        lambda db: [fixed.db_value(user_pk, user.pk, db), fixed.db_value(expires_at, now, db)]
    )
    found = [(grant.case_id, grant.expires_at) for grant in grants]
    ids = sorted({case_id for case_id, _until in found})
    if not getattr(user, GRANTS_FRESH, False):
        setattr(user, GRANTS_MEMO, (ids, min((until for _id, until in found), default=NEVER)))
    return ids


def forget_grants(sender: type[models.Model], instance: "CaseAccessGrant", **kwargs: Any) -> None:
    """post_save on CaseAccessGrant: the grant's user object no longer keeps its grants."""
    user = instance._state.fields_cache.get("user")
    if user is not None:
        setattr(user, GRANTS_FRESH, True)
        if hasattr(user, GRANTS_MEMO):
            delattr(user, GRANTS_MEMO)


def _grant_filter(user: User, prefix: str = "") -> Q:
    """Cases the user holds a break-the-glass access to, still running (their ids: usually
    none, and a list costs less to build and plan than a subquery on every list)."""
    return Q(**{f"{prefix}pk__in": granted_case_ids(user)})


def sensitive_filter(user: User, prefix: str = "") -> Q:
    """Among cases in the user's site scope, those the sensitive rule lets them see."""
    if is_site_manager(user):
        return Q()
    rule = Q(**{f"{prefix}sensitive": False})
    if granted_case_ids(user):
        rule |= _grant_filter(user, prefix)
    if is_agent(user):
        rule |= Q(**{f"{prefix}responsible": user})
    return rule


def visible_filter(user: AnyUser | None, prefix: str = "") -> Q:
    """Cases (or, through `prefix`, the case of an action or a follow-up) visible to the user:
    the site scope (agents and managers: their sites; coordinator: the country), not deleted,
    then the sensitive rule: a sensitive case only for its responsible agent, the site's
    managers, and whoever broke the glass in the last hours. A line's list filters its case on
    the join it makes anyway, rather than on a subquery of every visible case."""
    rule = personal_site_filter(user, f"{prefix}site__")
    rule &= Q(**{f"{prefix}deleted_at__isnull": True})
    if not (user and user.is_authenticated):
        return rule
    return rule & sensitive_filter(user, prefix)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """The cases visible to the user (see `visible_filter`)."""
        return self.filter(visible_filter(user))

    def changeable_by(self, user: AnyUser | None) -> Self:
        """Cases the user may change: those of the sites they record at; a sensitive one only
        if they are its responsible agent or a manager of its site. A break-the-glass access
        lets one read a sensitive case, never change it."""
        if not can_record(user):
            return self.none()
        scoped = self.filter(site__in=writable_sites(user), deleted_at__isnull=True)
        if is_site_manager(user):
            return scoped
        return scoped.filter(Q(sensitive=False) | Q(responsible=user))

    def unseen_by(self, user: AnyUser | None) -> Self:
        """Cases at the user's sites that the user may not see: the sensitive ones the rule
        hides from them now, and deleted ones. Few rows, read through a partial index
        (`case_site_unseen`): lists that must leave them out say "not among these" rather
        than "among every visible case of the site", which read all the site's cases."""
        scoped = self.filter(personal_site_filter(user)).filter(
            Q(sensitive=True) | Q(deleted_at__isnull=False)
        )
        if not (user and user.is_authenticated) or is_site_manager(user):
            return scoped.filter(deleted_at__isnull=False)
        allowed = [_grant_filter(user)] if granted_case_ids(user) else []
        if is_agent(user):
            allowed.append(Q(responsible=user))
        if not allowed:  # nothing lets this user see a sensitive case
            return scoped
        return scoped.exclude(Q(deleted_at__isnull=True) & reduce(operator.or_, allowed))

    def hidden_from(self, user: AnyUser | None) -> Self:
        """Sensitive cases in the user's site scope that the user may not see now.

        None for a site manager (or nobody signed in): `unseen_by` leaves them only deleted
        cases, which this excludes, so no query is needed to know it."""
        if not (user and user.is_authenticated) or is_site_manager(user):
            return self.none()
        return self.unseen_by(user).filter(deleted_at__isnull=True)


class Case(BaseModel):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="cases", verbose_name=_("site")
    )
    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("household"),
    )
    visit = models.ForeignKey(
        "frontdesk.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("opened from the visit"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("responsible agent"),
    )
    needs = models.ManyToManyField("core.Theme", related_name="cases", verbose_name=_("needs"))
    risk = models.CharField(_("risk level"), max_length=10, choices=Risk.choices)
    assessment = models.TextField(_("assessment"), blank=True)
    sensitive = models.BooleanField(
        _("sensitive case"),
        default=False,
        help_text=_(
            "Violence, child protection... Only the responsible agent and the site manager "
            "see a sensitive case."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened on"), default=timezone.now)
    # The last contact with the person (opening, or a follow-up done): the worklist flags cases
    # without contact for the site's number of days.
    last_contact_at = models.DateTimeField(_("last contact"), default=timezone.now)
    # Set by the retention rule: the free text is emptied, the record kept for the counts.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["site", "status"]),
            models.Index(fields=["responsible", "status"]),
            # The site's lists, newest first, and the worklist's cases without contact.
            models.Index(fields=["site", "opened_at"], name="case_site_opened"),
            models.Index(fields=["site", "last_contact_at"], name="case_site_last_contact"),
            # The few cases a user may not see (`unseen_by`).
            models.Index(
                fields=["site"],
                condition=Q(sensitive=True) | Q(deleted_at__isnull=False),
                name="case_site_unseen",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed") & ~Q(closure_reason="")
                | ~Q(status="closed") & Q(closure_reason=""),
                name="case_closed_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class CaseAction(BaseModel):
    """A dated step of the action plan; a referral or a fund request may come from it."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    what = models.CharField(_("action"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_actions",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["site", "status", "due_on"])]

    def __str__(self) -> str:
        return self.what


def action_date_problem(due_on, *, done: bool, today) -> str | None:
    """Why an action's date is refused when it is added, or None: a planned action is due
    today or later, an action already done was done today or before. Dates of the case's
    site."""
    if due_on is None or today is None:
        return None
    if not done and due_on < today:
        return str(
            _(
                "The due date is in the past. Choose today or a later date, or tick “Already "
                "done” to record an action done on that day."
            )
        )
    if done and due_on > today:
        return str(_("An action already done cannot be dated in the future."))
    return None


class FollowUp(BaseModel):
    """A contact with the person: planned (a due date) or done (when, how, notes)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="followups")
    kind = models.CharField(_("contact"), max_length=12, choices=ContactKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.PLANNED
    )
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-done_at", "due_on"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["site", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    UPDATED = "updated", _("Case edited")
    STARTED = "started", _("Follow-up started")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")
    REASSIGNED = "reassigned", _("Case reassigned")
    ACTION_ADDED = "action_added", _("Action planned")
    ACTION_DONE = "action_done", _("Action done")
    ACTION_CANCELLED = "action_cancelled", _("Action cancelled")
    ACTION_CHANGED = "action_changed", _("Action changed")
    FOLLOWUP_PLANNED = "followup_planned", _("Contact planned")
    FOLLOWUP_DONE = "followup_done", _("Contact made")
    FOLLOWUP_CANCELLED = "followup_cancelled", _("Planned contact cancelled")
    BREAK_GLASS = "break_glass", _("Restricted access opened (break the glass)")
    UNMARKED_SENSITIVE = "unmarked_sensitive", _("No longer sensitive")


class CaseEvent(ChoiceLabels):
    """One entry of a case's timeline. Append-only, written only by the services."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    # A short text shown on the timeline: the action, the closure reason, the reason given...
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def summary(self) -> str:
        """What the timeline shows under the kind of event."""
        if self.kind == EventKind.CLOSED:
            reason = str(dict(ClosureReason.choices).get(self.data.get("reason"), ""))
            return " · ".join(part for part in (reason, self.text) if part)
        if self.kind == EventKind.REASSIGNED:
            moved = f"{self.data.get('previous', '')} → {self.data.get('responsible', '')}"
            return " · ".join(part for part in (moved, self.text) if part)
        return self.text


class CaseAccessGrant(models.Model):
    """A break-the-glass access: who, to which sensitive case, why, until when."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_access_grants"
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("break-the-glass access")
        verbose_name_plural = _("break-the-glass accesses")
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


# What `CaseAccessGrant.objects.filter(user=..., expires_at__gt=now)` reads (`granted_case_ids`),
# in a statement written once (orienta/lib/fixed.py): nearly every request of an agent asks it.
RUNNING_GRANTS = fixed.Select(
    CaseAccessGrant, lambda q: f"WHERE t.{q('user_id')} = %s AND t.{q('expires_at')} > %s"
)

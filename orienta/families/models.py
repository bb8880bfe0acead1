"""Vulnerability assessment instruments, assessments of households, and family accompaniment.

An instrument is versioned: each version is a row whose definition (see `scoring.py`) is never
changed; changing an instrument saves a new version and retires the previous one, and every
assessment keeps the version it was made with, its answers and its computed result.
Assessments, enrolments, goals and plan actions belong to the household's site.
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orienta.core.models import BaseModel, Country, Site
from orienta.core.scoping import ScopedQuerySet, writable_sites
from orienta.core.types import AnyUser
from orienta.families import scoring
from orienta.families.access import works_on_families
from orienta.lib.text import no_bidi_controls


class FamilyQuerySet(ScopedQuerySet[Any]):
    """Records of the families of the sites the user works at: site staff only (the answers,
    plans and notes are read by nobody else; see `families.access`)."""

    def visible_to(self, user: AnyUser | None) -> Self:
        if not works_on_families(user):
            return self.none()
        return self.filter(site__in=writable_sites(user), deleted_at__isnull=True)


class Rule(models.TextChoices):
    WEIGHTED = scoring.WEIGHTED, _("Weighted score")
    COUNTING = scoring.COUNTING, _("Counting of deprivations (Alkire-Foster)")


class Category(models.TextChoices):
    LOW = "low", _("Low vulnerability")
    MODERATE = "moderate", _("Moderate vulnerability")
    HIGH = "high", _("High vulnerability")
    VERY_HIGH = "very_high", _("Very high vulnerability")


# The categories' order, the most vulnerable last (for sorting and "improved").
CATEGORY_RANK = {code: n for n, code in enumerate(scoring.CATEGORIES)}


class Level(models.TextChoices):
    GREEN = scoring.GREEN, _("Green: no serious difficulty")
    AMBER = scoring.AMBER, _("Amber: difficulties")
    RED = scoring.RED, _("Red: serious difficulties")


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def current(self) -> Self:
        return self.filter(retired_at__isnull=True, deleted_at__isnull=True)


class Instrument(BaseModel):
    """One version of a country's assessment instrument."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    code = models.SlugField(_("code"), max_length=40)
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    rule = models.CharField(_("scoring rule"), max_length=10, choices=Rule.choices)
    definition = models.JSONField(_("definition"))
    retired_at = models.DateTimeField(_("replaced on"), null=True, blank=True, editable=False)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["country__code", "code", "-revision"]
        verbose_name = _("assessment instrument")
        verbose_name_plural = _("assessment instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code", "revision"], name="instrument_one_row_per_version"
            ),
            models.UniqueConstraint(
                fields=["country", "code"],
                condition=Q(retired_at__isnull=True),
                name="instrument_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.revision})"

    def parsed(self) -> scoring.Definition:
        cached: scoring.Definition | None = getattr(self, "_parsed", None)
        if cached is None:
            cached = scoring.parse(self.definition)
            self._parsed = cached
        return cached


class Assessment(BaseModel):
    """A household assessed with one version of an instrument: the answers and the result
    computed when it was saved. Append-only: a new situation is a new assessment."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("household"),
    )
    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("instrument"),
    )
    assessed_on = models.DateField(_("date of the assessment"))
    respondent = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who answered"),
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    answers = models.JSONField(_("answers"))
    notes = models.TextField(_("evidence and notes"), blank=True, validators=[no_bidi_controls])
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    dimensions = models.JSONField(_("result per dimension"))

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["site", "assessed_on"], name="fam_assessment_site_date"),
            models.Index(fields=["household", "assessed_on"], name="fam_assessment_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on}"


class Status(models.TextChoices):
    ACTIVE = "active", _("Accompanied")
    EXITED = "exited", _("Accompaniment ended")


class ExitReason(models.TextChoices):
    GRADUATED = "graduated", _("Graduated")
    MOVED = "moved", _("Moved away")
    REFUSED = "refused", _("Refused further accompaniment")
    OTHER = "other", _("Other")


class Enrolment(BaseModel):
    """A household accompanied: why (the criteria met), with its consent, how often it is
    reassessed, and how the accompaniment ended."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("household"),
    )
    enrolled_on = models.DateField(_("enrolled on"))
    criteria = models.TextField(_("criteria met"), validators=[no_bidi_controls])
    consent = models.BooleanField(_("the family agrees to be accompanied"), default=False)
    reassess_months = models.PositiveSmallIntegerField(_("reassess every (months)"), default=3)
    # The last assessment's date plus `reassess_months`, kept by the services (the worklist
    # and the priority list read it).
    next_due_on = models.DateField(_("next assessment due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    exit_reason = models.CharField(
        _("reason for ending"), max_length=12, choices=ExitReason.choices, blank=True
    )
    exit_note = models.TextField(_("note"), blank=True, validators=[no_bidi_controls])
    exited_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_on", "-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="active", deleted_at__isnull=True),
                name="one_active_enrolment_per_household",
            ),
            models.CheckConstraint(
                condition=Q(status="exited") & ~Q(exit_reason="") & Q(exited_on__isnull=False)
                | Q(status="active", exit_reason="", exited_on__isnull=True),
                name="enrolment_exit_has_reason",
            ),
            models.CheckConstraint(condition=Q(consent=True), name="enrolment_has_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.enrolled_on}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Given up")


class Goal(BaseModel):
    """A goal of the family plan, in one dimension of the instrument, chosen with the family."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="goals")
    dimension = models.CharField(_("dimension"), max_length=40)
    text = models.CharField(_("goal"), max_length=300, validators=[no_bidi_controls])
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text


class LinkKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    FUND_REQUEST = "fund_request", _("Support-fund request")
    FOLLOWUP = "followup", _("Follow-up contact")


class PlanAction(BaseModel):
    """An action of the family plan: a referral, a fund request or a follow-up contact already
    recorded for a member of the household, linked to the plan (and to a goal)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LinkKind.choices)
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fund_request = models.ForeignKey(
        "fund.FundRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    followup = models.ForeignKey(
        "cases.FollowUp", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind="referral",
                    referral__isnull=False,
                    fund_request__isnull=True,
                    followup__isnull=True,
                )
                | Q(
                    kind="fund_request",
                    referral__isnull=True,
                    fund_request__isnull=False,
                    followup__isnull=True,
                )
                | Q(
                    kind="followup",
                    referral__isnull=True,
                    fund_request__isnull=True,
                    followup__isnull=False,
                ),
                name="plan_action_links_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.enrolment_id}"

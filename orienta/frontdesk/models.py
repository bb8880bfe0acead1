"""Visits to a BIOSP and what they were about (the themes are core's `Theme`)."""

from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orienta.core.models import BaseModel, Site, Theme
from orienta.core.scoping import ScopedQuerySet
from orienta.people.models import Person, Sex


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach")
    PHONE = "phone", _("Phone")
    PARTNER = "partner", _("Referred by a partner")
    FAIR = "fair", _("Fair")
    HOME_VISIT = "home_visit", _("Home visit")


class Outcome(models.TextChoices):
    INFORMED = "informed", _("Information given")
    ORIENTED = "oriented", _("Oriented to a service")
    CASE = "case", _("Case to open")


class AgeBand(models.TextChoices):
    UNDER_15 = "0-14", _("Under 15")
    YOUTH = "15-24", _("15 to 24")
    ADULT = "25-59", _("25 to 59")
    ELDER = "60+", _("60 and over")
    UNKNOWN = "unknown", _("Unknown")


def age_band(age: int | None) -> str:
    if age is None:
        return AgeBand.UNKNOWN
    if age < 15:
        return AgeBand.UNDER_15
    if age < 25:
        return AgeBand.YOUTH
    if age < 60:
        return AgeBand.ADULT
    return AgeBand.ELDER


class VisitQuerySet(ScopedQuerySet["Visit"]):
    def current(self) -> Self:
        """The visits as they stand: neither corrected since (a newer version supersedes them)
        nor voided. Every count and list of visits reads these."""
        return self.filter(superseded_by__isnull=True, voided_at__isnull=True)


class Visit(BaseModel):
    """One contact with a person at (or from) a site. Anonymous visits keep no identity.

    Append-only (see SYNC.md): a visit is never edited. Its author or the site's manager
    corrects it by recording a new version that `supersedes` it, or voids it by recording a
    last version with `voided_at`; both with a reason. The earlier versions stay as they were,
    so the history holds them all; `Visit.objects.current()` is what counts.
    """

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="visits", verbose_name=_("site")
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("person"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("agent"),
    )
    occurred_at = models.DateTimeField(_("date and time"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WALK_IN
    )
    themes = models.ManyToManyField(Theme, related_name="visits", verbose_name=_("themes"))
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # For anonymous visits only (a registered person's sex and age come from the registry).
    anonymous_sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    # The age in years, asked since results are split by configurable age bands; visits
    # recorded before keep only their band (kept here too, from the age, for the lists).
    anonymous_age = models.PositiveSmallIntegerField(
        _("age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
    )
    anonymous_age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, blank=True
    )
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        editable=False,
        verbose_name=_("version it replaces"),
    )
    # Who made a later version and when are its created_by and created_at.
    change_reason = models.CharField(_("reason for the change"), max_length=500, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)

    objects = VisitQuerySet.as_manager()

    # The versions before this one, set by `frontdesk.queries.person_visits`.
    earlier: list["Visit"]

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["site", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, anonymous_sex="")
                    | models.Q(person__isnull=True) & ~models.Q(anonymous_sex="")
                ),
                name="visit_person_or_anonymous",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | models.Q(supersedes__isnull=False),
                name="visit_voided_as_a_new_version",
            ),
        ]

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None

    @property
    def voided_by(self):
        return self.created_by if self.voided_at else None

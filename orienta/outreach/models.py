"""Community work: awareness sessions, fairs and the training of agents, each at a site.

Every record belongs to a site (child rows too: the partition a node holds, SYNC.md). The
people reached are counted, not named: attendance and fair visitors are rows of sex × age band
× disability × count (`orienta.outreach.attendance`); named attendees, the visits that came
from an activity and the outcomes of a fair link to the registry and the front desk.
"""

from datetime import date
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, BaseModel, Organisation, Site, Theme
from orienta.core.scoping import site_filter
from orienta.core.types import AnyUser
from orienta.frontdesk.models import Visit
from orienta.lib.text import no_bidi_controls
from orienta.people.models import Person, Sex


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class VenueType(models.TextChoices):
    COMMUNITY = "community", _("Community")
    SCHOOL = "school", _("School")
    MARKET = "market", _("Market")
    HEALTH_CENTRE = "health_centre", _("Health centre")
    RADIO = "radio", _("Radio")
    OTHER = "other", _("Other place")


class Format(models.TextChoices):
    TALK = "talk", _("Talk")
    THEATRE = "theatre", _("Theatre")
    RADIO = "radio", _("Radio programme")
    VIDEO = "video", _("Video")


class Topic(models.TextChoices):
    """Awareness themes that are not themes of the front desk (core's `Theme`)."""

    GENDER_EQUALITY = "gender_equality", _("Gender equality")
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    CLIMATE_CHANGE = "climate_change", _("Climate change")
    HYGIENE = "hygiene", _("Hygiene and sanitation")
    SOCIAL_COHESION = "social_cohesion", _("Peace and social cohesion")


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Activities of the sites in scope: their sites for site staff, the country for its
        coordinator, every site for M&E and administrators (who read counts, not names)."""
        return self.filter(site_filter(user, "site__"), deleted_at__isnull=True)


class Activity(BaseModel):
    """What sessions, fairs and trainings share: a site, a title, planned and held dates."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_bidi_controls])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    planned_on = models.DateField(_("planned date"))
    held_on = models.DateField(_("date held"), null=True, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-planned_on", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def day(self) -> date:
        """The date it was held, else planned for."""
        return self.held_on or self.planned_on

    @property
    def is_held(self) -> bool:
        return self.status == Status.HELD


class CountRow(BaseModel):
    """A number of persons of one sex, age band and disability."""

    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    age_band = models.CharField(_("age band"), max_length=10)
    disability = models.BooleanField(_("with disability"), default=False)
    count = models.PositiveIntegerField(_("count"), validators=[MaxValueValidator(99_999)])

    class Meta:
        abstract = True


# Awareness sessions
# =============================================================================================


class AwarenessSession(Activity):
    venue_type = models.CharField(
        _("type of place"), max_length=20, choices=VenueType.choices, blank=True
    )
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    # Codes of `Topic`, the awareness themes beyond core's.
    topics = models.JSONField(_("awareness themes"), default=list, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("facilitators")
    )
    partner_facilitators = models.CharField(
        _("facilitators from partners"), max_length=300, blank=True
    )
    materials = models.TextField(_("materials used"), blank=True)
    questions = models.TextField(_("questions raised"), blank=True)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("named attendees")
    )

    class Meta(Activity.Meta):
        verbose_name = _("awareness session")
        verbose_name_plural = _("awareness sessions")
        indexes = [models.Index(fields=["site", "planned_on"])]


class SessionCount(CountRow):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(AwarenessSession, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        ordering = ["sex", "age_band", "disability"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "sex", "age_band", "disability"], name="session_count_once"
            )
        ]


class SessionVisit(BaseModel):
    """A visit to the BIOSP (channel "outreach") that came from the session."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(AwarenessSession, on_delete=models.CASCADE, related_name="visits")
    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["created_at"]


# Fairs
# =============================================================================================


class Fair(Activity):
    venue = models.CharField(_("venue"), max_length=200, blank=True)

    class Meta(Activity.Meta):
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        indexes = [models.Index(fields=["site", "planned_on"])]


class FairCount(CountRow):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="counts")

    class Meta:
        ordering = ["sex", "age_band", "disability"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "sex", "age_band", "disability"], name="fair_count_once"
            )
        ]


class Stand(BaseModel):
    """A partner present at the fair: an organisation of the directory, or a name."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="stands")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[no_bidi_controls])
    services = models.TextField(_("services offered"), blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.organisation.name if self.organisation else self.name


class OfferKind(models.TextChoices):
    JOB = "job", _("Job")
    TRAINING = "training", _("Training")


class Offer(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    stand = models.ForeignKey(Stand, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(_("kind of offer"), max_length=10, choices=OfferKind.choices)
    title = models.CharField(_("offer"), max_length=200)
    places = models.PositiveIntegerField(_("places"), validators=[MaxValueValidator(99_999)])

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class FairVisit(BaseModel):
    """A person registered or oriented at the fair: a visit of channel "fair"."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="visits")
    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["created_at"]


class OutcomeKind(models.TextChoices):
    HIRED = "hired", _("Hired")
    ENROLLED = "enrolled", _("Enrolled in a training")


class FairOutcome(BaseModel):
    """What became of a person met at the fair, recorded afterwards."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="outcomes")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    kind = models.CharField(_("outcome"), max_length=10, choices=OutcomeKind.choices)
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField(_("date"))

    class Meta:
        ordering = ["on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "person", "kind"],
                condition=models.Q(deleted_at__isnull=True),
                name="fair_outcome_once",
            )
        ]


# Trainings of agents
# =============================================================================================


class CurriculumKind(models.TextChoices):
    METHODOLOGY = "methodology", _("BIOSP methodology")
    AWARENESS = "awareness", _("Awareness themes")
    COMPUTING = "computing", _("Computing")
    OTHER = "other", _("Other")


class Curriculum(BaseModel):
    """A course agents follow, the same in every country (configuration, kept in the admin)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=CurriculumKind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"), default=0)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def __str__(self) -> str:
        return self.title


class Training(Activity):
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("curriculum")
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)

    class Meta(Activity.Meta):
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["site", "planned_on"])]


class Participant(BaseModel):
    """An agent (a user) or a partner's staff member (a name and organisation) at a training."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[no_bidi_controls])
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    attended = models.BooleanField(_("attended"), default=False)
    pre_score = models.PositiveSmallIntegerField(
        _("pre-test score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    post_score = models.PositiveSmallIntegerField(
        _("post-test score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "user"],
                condition=models.Q(user__isnull=False, deleted_at__isnull=True),
                name="participant_once",
            )
        ]

    def __str__(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.username
        return self.name

    @property
    def gain(self) -> int | None:
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score

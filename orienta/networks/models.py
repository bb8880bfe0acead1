"""Civil society networks: the resource centre, the social-protection working groups (GTPS) and
the socio-economic diagnostics made with universities.

These records belong to a country, not to a site: a GTPS, a library document, a training of
CSO staff or a study serve the whole country (a document without a country serves every
country). Partner organisations are `core.Organisation` rows (CSOs of kind "cso", universities,
public services). Nothing here points to the registry: a GTPS member is a named contact, a
diagnostic's respondent is a line of a survey, counted by area, sex and age, never a person of
the registry.
"""

from datetime import date

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, BaseModel, Country, Organisation
from orienta.lib.text import no_bidi_controls


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


# The resource centre
# =============================================================================================


class DocumentKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TEMPLATE = "template", _("Template")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other document")


class ResourceTheme(models.TextChoices):
    GOVERNANCE = "governance", _("Governance and legal")
    FINANCE = "finance", _("Finance and internal control")
    PROGRAMME = "programme", _("Programme management")
    MONITORING = "monitoring", _("Monitoring and evaluation")
    FUNDRAISING = "fundraising", _("Resource mobilisation")
    ADVOCACY = "advocacy", _("Networking and advocacy")
    GENDER = "gender", _("Gender and inclusion")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")


class Language(models.TextChoices):
    FR = "fr", _("French")
    PT = "pt", _("Portuguese")
    EN = "en", _("English")


class Document(BaseModel):
    """A document of the library; its file is kept under MEDIA_ROOT and served only by the
    resource centre's download page, to those who may read the document."""

    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("country"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_bidi_controls])
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    theme = models.CharField(_("theme"), max_length=20, choices=ResourceTheme.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to="networks/documents/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class SupportKind(models.TextChoices):
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching session")


class Support(BaseModel):
    """A training or a coaching session given to one or more CSOs of a country."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind.choices)
    topic = models.CharField(_("topic"), max_length=200, validators=[no_bidi_controls])
    theme = models.CharField(_("theme"), max_length=20, choices=ResourceTheme.choices, blank=True)
    on = models.DateField(_("date"))
    facilitator = models.CharField(
        _("facilitator"), max_length=200, blank=True, validators=[no_bidi_controls]
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("organisations supported")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("support to CSOs")
        verbose_name_plural = _("support to CSOs")

    def __str__(self) -> str:
        return self.topic


class SupportParticipant(BaseModel):
    """A CSO staff member who attended a training or coaching session."""

    support = models.ForeignKey(Support, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        ordering = ["created_at"]


# GTPS: the social-protection working groups
# =============================================================================================


class Group(BaseModel):
    """A social-protection working group (GTPS) of a country, or of one of its regions."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    mandate = models.TextField(_("mandate"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group (GTPS)")
        verbose_name_plural = _("working groups (GTPS)")

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private sector")
    CSO = "cso", _("Civil society")
    UNIVERSITY = "university", _("University")


class Member(BaseModel):
    """A member of a group: an organisation, a named contact, or a contact of an organisation."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[no_bidi_controls]
    )
    sector = models.CharField(_("sector"), max_length=12, choices=Sector.choices)
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        ordering = ["sector", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name="", organisation__isnull=True),
                name="member_has_a_name_or_organisation",
            )
        ]

    def __str__(self) -> str:
        if self.organisation_id and self.name:
            return f"{self.name} ({self.organisation})"
        return self.name or str(self.organisation)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Meeting(BaseModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=8, choices=MeetingStatus.choices)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    attendees = models.ManyToManyField(
        Member, blank=True, related_name="+", verbose_name=_("members present")
    )

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.group} · {self.on:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(BaseModel):
    """An action of a group's action plan, and the policy or strategy it serves."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("decided at the meeting"),
    )
    title = models.CharField(_("action"), max_length=300, validators=[no_bidi_controls])
    lead = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # The day it reached its present status (the day it was done, for the indicator).
    status_on = models.DateField(_("since"))
    policy = models.CharField(
        _("policy or strategy served"), max_length=300, blank=True, validators=[no_bidi_controls]
    )

    class Meta:
        ordering = ["deadline", "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: date) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and (
            self.deadline < today
        )


class ActionUpdate(BaseModel):
    """One step of an action's history: its status from a day on, and what was said."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["on", "created_at"]


# Socio-economic diagnostics
# =============================================================================================


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    COLLECTED = "collected", _("Data imported")
    PUBLISHED = "published", _("Published")


class Study(BaseModel):
    """A socio-economic diagnostic made with universities in an area over a period."""

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_bidi_controls])
    partners = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("partner universities")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area studied"),
    )
    starts_on = models.DateField(_("start of the period"))
    ends_on = models.DateField(_("end of the period"))
    questionnaire = models.TextField(_("questionnaire"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("findings"), blank=True)
    report = models.FileField(_("report"), upload_to="networks/reports/%Y/%m/", blank=True)
    report_type = models.CharField(max_length=100, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")

    def __str__(self) -> str:
        return self.title


class Response(BaseModel):
    """One line of a diagnostic's imported data: where, the respondent's sex and age, the day
    of the interview, and the other answers as they came."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="responses")
    line = models.PositiveIntegerField()
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    sex = models.CharField(max_length=8, choices=Sex.choices)
    age = models.PositiveSmallIntegerField(validators=[MaxValueValidator(120)])
    interviewed_on = models.DateField()
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["study", "area"])]

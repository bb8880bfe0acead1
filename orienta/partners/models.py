"""Partner civil-society organisations (CSOs): their profile, contacts and documents, their
organisational capacity assessments (OCA) and capacity-development plan, the sub-grants they
receive and the funding they apply for.

A CSO is a `core.Organisation` of kind "cso"; everything here hangs on it, not on a site (a CSO
runs sites, but its capacity is the organisation's). The OCA tool is versioned as the families'
instruments are: each version is a row whose definition (see `oca.py`) is never changed;
changing the tool saves a new version and retires the previous one, and every assessment keeps
the version it was made with, its scores and its computed results.
"""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, BaseModel, Organisation
from orienta.core.types import AnyUser
from orienta.lib.text import no_bidi_controls
from orienta.partners import oca
from orienta.partners.access import partner_filter


class PartnerQuerySet(models.QuerySet[Any]):
    """Records of a CSO, reached through `organisation`: the CSO's own staff see their
    organisation's, coordinators their country's, M&E and administrators every one."""

    prefix = "organisation__"

    def visible_to(self, user: AnyUser | None) -> Self:
        return self.filter(partner_filter(user, self.prefix), deleted_at__isnull=True)


def _text(label: Any, length: int = 200, **kwargs: Any) -> models.CharField[str, str]:
    return models.CharField(label, max_length=length, validators=[no_bidi_controls], **kwargs)


def _notes(label: Any) -> models.TextField[str, str]:
    return models.TextField(label, blank=True, validators=[no_bidi_controls])


def _money(label: Any, **kwargs: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def _organisation(related: str) -> models.ForeignKey[Organisation, Organisation]:
    return models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name=related, verbose_name=_("CSO")
    )


# The profile
# =============================================================================================


class LegalStatus(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    NGO = "ngo", _("National NGO")
    COOPERATIVE = "cooperative", _("Cooperative")
    FOUNDATION = "foundation", _("Foundation")
    NETWORK = "network", _("Network or federation")
    COMMUNITY = "community", _("Community-based organisation")
    OTHER = "other", _("Other")


class Profile(BaseModel):
    """What a partner CSO is: its legal status, size, budget and where it works."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="cso_profile", verbose_name=_("CSO")
    )
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    registration_number = _text(_("registration number"), 60, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    staff = models.PositiveIntegerField(_("paid staff"), default=0)
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    annual_budget = _money(_("annual budget"), null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True)
    areas = models.ManyToManyField(
        Area, blank=True, related_name="+", verbose_name=_("areas of work")
    )
    mission = _notes(_("mission and main activities"))

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("CSO profile")
        verbose_name_plural = _("CSO profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_budget__isnull=True) | ~Q(budget_currency=""),
                name="cso_budget_has_currency",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation_id)


class Contact(BaseModel):
    """A person to reach at the CSO (a member of its staff or board, not a beneficiary)."""

    organisation = _organisation("cso_contacts")
    name = _text(_("name"), 120)
    position = _text(_("position"), 120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("Statutes")
    REGISTRATION = "registration", _("Registration certificate")
    AUDIT = "audit", _("Audit report")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    POLICY = "policy", _("Policy or manual")
    OTHER = "other", _("Other")


class Document(BaseModel):
    """A document of the CSO's file, kept under var/media and served only to those who may see
    the CSO (never a public address)."""

    organisation = _organisation("cso_documents")
    title = _text(_("title"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    dated_on = models.DateField(_("date"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="partners/documents/%Y/%m/", max_length=200)
    file_name = models.CharField(_("file name"), max_length=120, validators=[no_bidi_controls])
    size = models.PositiveIntegerField(_("size"), default=0)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["-dated_on", "-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


# Capacity assessment
# =============================================================================================


class ToolQuerySet(models.QuerySet["Tool"]):
    def current(self) -> Self:
        return self.filter(retired_at__isnull=True, deleted_at__isnull=True)


class Tool(BaseModel):
    """One version of the OCA tool (configuration shared by every country)."""

    code = models.SlugField(_("code"), max_length=40)
    revision = models.PositiveIntegerField(_("version"), default=1, editable=False)
    name = _text(_("name"))
    definition = models.JSONField(_("definition"))
    retired_at = models.DateTimeField(_("replaced on"), null=True, blank=True, editable=False)

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-revision"]
        verbose_name = _("capacity assessment tool")
        verbose_name_plural = _("capacity assessment tools")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "revision"], name="oca_tool_one_row_per_version"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(retired_at__isnull=True),
                name="oca_tool_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.revision})"

    @property
    def title(self) -> str:
        """The name in the reader's language when the definition gives it, else `name`."""
        try:
            return self.parsed().name or self.name
        except oca.DefinitionError:
            return self.name

    def parsed(self) -> oca.Definition:
        cached: oca.Definition | None = getattr(self, "_parsed", None)
        if cached is None:
            cached = oca.parse(self.definition)
            self._parsed = cached
        return cached


class Assessment(BaseModel):
    """A CSO assessed with one version of the tool: the consensus scores (with justification,
    evidence and the participants' own scores), and the results computed when it was saved.
    Append-only: a later situation is a later assessment."""

    organisation = _organisation("cso_assessments")
    tool = models.ForeignKey(
        Tool, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("tool")
    )
    assessed_on = models.DateField(_("date of the assessment"))
    facilitator = _text(_("facilitated by"), 120, blank=True)
    participants = models.PositiveSmallIntegerField(_("participants"), default=0)
    scores = models.JSONField(_("scores"))
    average = models.DecimalField(_("overall average"), max_digits=3, decimal_places=2)
    stage = models.CharField(_("overall stage"), max_length=40)
    areas = models.JSONField(_("result per area"))
    notes = _notes(_("notes"))

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("capacity assessment")
        verbose_name_plural = _("capacity assessments")
        indexes = [
            models.Index(fields=["organisation", "assessed_on"], name="oca_assessment_org_date")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.assessed_on}"

    def stage_name(self) -> str:
        stage = self.tool.parsed().stage(self.stage)
        return stage.name if stage else self.stage


class SupportType(models.TextChoices):
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching")
    EQUIPMENT = "equipment", _("Equipment")
    SUBGRANT = "subgrant", _("Sub-grant")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanAction(BaseModel):
    """An action of the CSO's capacity-development plan, in one area of the tool."""

    organisation = _organisation("cso_plan_actions")
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("following the assessment"),
    )
    area = models.CharField(_("area"), max_length=40)
    description = _text(_("action"), 300)
    support = models.CharField(_("type of support"), max_length=12, choices=SupportType.choices)
    responsible = _text(_("responsible"), 120)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("capacity-plan action")
        verbose_name_plural = _("capacity-plan actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="cso_action_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.description


# Sub-grants
# =============================================================================================


class Grant(BaseModel):
    """A sub-grant to the CSO: amount, currency and period; paid in tranches, each on its
    conditions; reports due and received."""

    organisation = _organisation("cso_grants")
    reference = _text(_("reference"), 40)
    purpose = _text(_("purpose"), 300)
    amount = _money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        verbose_name = _("sub-grant")
        verbose_name_plural = _("sub-grants")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cso_grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cso_grant_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class GrantChildQuerySet(PartnerQuerySet):
    prefix = "grant__organisation__"


class Tranche(BaseModel):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = _money(_("amount"))
    planned_on = models.DateField(_("planned on"))
    conditions = _notes(_("conditions"))
    released_on = models.DateField(_("released on"), null=True, blank=True)

    objects = GrantChildQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="cso_tranche_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cso_tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.grant_id} #{self.number}"


class ReportKind(models.TextChoices):
    NARRATIVE = "narrative", _("Narrative report")
    FINANCIAL = "financial", _("Financial report")
    FINAL = "final", _("Final report")


class GrantReport(BaseModel):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    due_on = models.DateField(_("due on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)

    objects = GrantChildQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")

    def __str__(self) -> str:
        return f"{self.grant_id} {self.kind} {self.due_on}"


# Funding applications
# =============================================================================================


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    DRAFTING = "drafting", _("Drafting")
    SUBMITTED = "submitted", _("Submitted")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


DECIDED = (Stage.WON, Stage.LOST)


class Application(BaseModel):
    """A CSO's application for funding (mobilisation de financements): to which donor and call,
    how much, how far it went, and what it obtained."""

    organisation = _organisation("cso_applications")
    donor = _text(_("donor"), 160)
    call = _text(_("call for proposals"), 200, blank=True)
    amount_requested = _money(_("amount requested"))
    currency = models.CharField(_("currency"), max_length=3)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.IDEA)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    amount_obtained = _money(_("amount obtained"), null=True, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("funding application")
        verbose_name_plural = _("funding applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0), name="cso_application_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(stage="won", amount_obtained__gt=0, decided_on__isnull=False)
                | Q(stage="lost", amount_obtained__isnull=True, decided_on__isnull=False)
                | (~Q(stage__in=["won", "lost"]) & Q(amount_obtained__isnull=True)),
                name="cso_application_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} {self.call}"

"""Imports of field-form exports (KoboToolbox, ODK Central): the mapping remembered per form,
each import with its log, and each submission imported with what it created.

An `ImportRun` is one file uploaded at a site: while it is being mapped and checked it keeps the
file (`content`), which is dropped once the import is done (or by `tasks.py` after a day); what
stays is the log: who, when, the file's name, the counts and the errors. An
`ImportedSubmission` is one submission of a form (its `instanceID`) imported at a site as one
kind of record: a second import of the same export finds it and writes nothing for it.

A file too large for a request is checked and imported by the task queue's worker
(`background`): its status goes queued → checking → checked → to_import → importing →
imported (or failed, with the `failure`), and its dry run's `report` is kept on the run until
the mapping changes (reduced to its counts once the file is dropped).
"""

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orienta.core.access import reads_import_log
from orienta.core.models import BaseModel, Site
from orienta.core.scoping import site_filter
from orienta.core.types import AnyUser
from orienta.lib.text import no_bidi_controls


class Kind(models.TextChoices):
    PERSONS = "persons", _("Persons and households")
    VISITS = "visits", _("Visits")
    SESSIONS = "sessions", _("Awareness sessions")
    ASSESSMENTS = "assessments", _("Vulnerability assessments")


class Source(models.TextChoices):
    KOBO_CSV = "kobo_csv", _("KoboToolbox, CSV")
    KOBO_XLSX = "kobo_xlsx", _("KoboToolbox, XLSX")
    ODK_CSV = "odk_csv", _("ODK Central, CSV")
    ODK_ZIP = "odk_zip", _("ODK Central, zip with repeat groups")


class RunStatus(models.TextChoices):
    UPLOADED = "uploaded", _("To map")
    # A large file is checked and imported by the task queue's worker (`orienta.imports.tasks`).
    QUEUED = "queued", _("Dry run waiting its turn")
    CHECKING = "checking", _("Dry run in progress")
    CHECKED = "checked", _("Checked, not imported")
    TO_IMPORT = "to_import", _("Import waiting its turn")
    IMPORTING = "importing", _("Import in progress")
    FAILED = "failed", _("Refused: errors")
    IMPORTED = "imported", _("Imported")
    EXPIRED = "expired", _("Abandoned")


# The work of the task queue is under way (the pages refresh themselves meanwhile).
RUNNING = frozenset(
    {RunStatus.QUEUED, RunStatus.CHECKING, RunStatus.TO_IMPORT, RunStatus.IMPORTING}
)


class Failure(models.TextChoices):
    """Why the worker stopped a large file's dry run or import (nothing was written)."""

    CRASHED = (
        "crashed",
        _(
            "The work stopped on an unexpected error: nothing was written. Run the dry run again; "
            "if it fails again, tell your administrator."
        ),
    )
    NOT_ALLOWED = (
        "not_allowed",
        _("You no longer import this kind of record at this site: nothing was written."),
    )
    NO_FILE = "no_file", _("This file was imported or abandoned: upload it again.")


class RunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """The imports of the sites in scope, for the roles that read the import log (site
        staff their sites, coordinators their country; see `orienta.imports.access`)."""
        if not reads_import_log(user):
            return self.none()
        return self.filter(site_filter(user, "site__"), deleted_at__isnull=True)


class FormMapping(BaseModel):
    """How a form's fields (by XLSForm name) fill one kind of record at a site, remembered for
    the next export of the same form."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    form_key = models.CharField(_("form"), max_length=120)
    kind = models.CharField(_("what it creates"), max_length=12, choices=Kind.choices)
    fields = models.JSONField(_("fields"), default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "form_key", "kind"], name="one_mapping_per_form_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_key} → {self.kind}"


class ImportRun(BaseModel):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    kind = models.CharField(_("what it creates"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("format"), max_length=12, choices=Source.choices)
    file_name = models.CharField(_("file"), max_length=200, validators=[no_bidi_controls])
    form_key = models.CharField(_("form"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.UPLOADED
    )
    content = models.BinaryField(_("file content"), null=True, editable=False)
    mapping = models.JSONField(_("fields"), default=dict)
    # Choices made for the whole file (the instrument of an assessment import).
    options = models.JSONField(default=dict)
    counts = models.JSONField(_("counts"), default=dict)
    errors = models.JSONField(_("errors"), default=list)
    # A file above the limits of a request is checked and imported by the task queue's worker;
    # its dry run's report is kept here (see `services.stored_report`) until the mapping
    # changes, with the user's decisions for the import.
    background = models.BooleanField(_("in the background"), default=False)
    report = models.JSONField(_("dry run"), default=dict, blank=True)
    decisions = models.JSONField(default=dict, blank=True)
    failure = models.CharField(
        _("failure"), max_length=12, choices=Failure.choices, blank=True, default=""
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["site", "created_at"], name="import_run_site_date")]

    def __str__(self) -> str:
        return self.file_name


class ImportedSubmission(BaseModel):
    """One submission imported, and the records it created or linked (`created`: a list of
    `{"type": "person", "id": …, "code": …, "linked": bool}`)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    instance_id = models.CharField(_("submission"), max_length=120)
    line = models.PositiveIntegerField(_("line"))
    created = models.JSONField(default=list)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "instance_id"], name="submission_imported_once"
            )
        ]

    def __str__(self) -> str:
        return self.instance_id

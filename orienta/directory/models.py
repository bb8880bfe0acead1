"""Service directory, following the Open Referral HSDS 3.0 model.

The HSDS *organization* is `core.Organisation`; fields HSDS has and core does not are in
`OrganisationProfile`. The taxonomy is the programme's themes (`core.Theme`).
"""

from datetime import date, datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, BaseModel, Organisation, Site, Theme
from orienta.core.scoping import organisation_filter
from orienta.core.types import AnyUser
from orienta.lib.text import no_bidi_controls

STALE_AFTER_DAYS = 180


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# iCalendar day codes (HSDS schedules use RFC 5545 rules), by Weekday value.
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class OrganisationProfile(BaseModel):
    """HSDS organisation fields that core.Organisation does not hold."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="profile"
    )
    alternate_name = models.CharField(
        _("alternate name"),
        max_length=200,
        blank=True,
        validators=[no_bidi_controls],
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    legal_status = models.CharField(_("legal status"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Services of the countries a user works in; HQ roles all; a provider its own."""
        return self.filter(organisation_filter(user, "organisation__"), deleted_at__isnull=True)

    def stale(self, now: datetime | None = None) -> Self:
        limit = (now or timezone.now()) - timedelta(days=STALE_AFTER_DAYS)
        return self.filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=limit))


class Service(BaseModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")

    class Sex(models.TextChoices):
        ANY = "", _("Any")
        FEMALE = "female", _("Women and girls")
        MALE = "male", _("Men and boys")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    alternate_name = models.CharField(
        _("alternate name"),
        max_length=200,
        blank=True,
        validators=[no_bidi_controls],
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="services", verbose_name=_("themes")
    )
    response_days = models.PositiveSmallIntegerField(
        _("response time (days)"),
        default=14,
        help_text=_("How many days the provider has to answer a referral."),
    )
    application_process = models.TextField(_("how to apply"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    required_documents = models.TextField(
        _("required documents"), blank=True, help_text=_("One document per line.")
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        help_text=_("Language codes separated by commas, e.g. fr, ar, pt."),
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    eligible_sex = models.CharField(
        _("for"), max_length=10, choices=Sex.choices, blank=True, default=Sex.ANY
    )
    eligibility_description = models.TextField(_("other eligibility conditions"), blank=True)
    service_areas = models.ManyToManyField(
        Area, blank=True, related_name="services", verbose_name=_("service area")
    )
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    def is_stale(self, now=None) -> bool:
        if self.last_verified_at is None:
            return True
        limit = (now or timezone.now()) - timedelta(days=STALE_AFTER_DAYS)
        return self.last_verified_at < limit

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    def is_free(self) -> bool:
        costs = [c for c in self.cost_options.all() if c.deleted_at is None]
        return all(c.amount == 0 for c in costs)


class CostOption(BaseModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options", verbose_name=_("service")
    )
    option = models.CharField(_("option"), max_length=200, validators=[no_bidi_controls])
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3)
    amount_description = models.CharField(_("amount description"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["amount", "option"]
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")

    def __str__(self) -> str:
        return f"{self.option}: {self.amount} {self.currency}"


class Contact(BaseModel):
    """A professional contact for a service (not a beneficiary)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("service")
    )
    name = models.CharField(_("name"), max_length=120, validators=[no_bidi_controls])
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Location(BaseModel):
    """A place where services are delivered; a BIOSP site can be one."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    site = models.OneToOneField(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_location",
        verbose_name=_("BIOSP site"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    description = models.TextField(_("description"), blank=True)
    address_1 = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("town"), max_length=120, blank=True, validators=[no_bidi_controls])
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("area")
    )
    country_code = models.CharField(
        _("country"), max_length=2, blank=True, validators=[no_bidi_controls]
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(BaseModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]


class Schedule(BaseModel):
    """A weekly opening rule of a service (at a location): days, opening and closing time."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("service")
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    weekdays = models.CharField(
        _("days"), max_length=30, help_text=_("Day codes separated by commas, e.g. MO,TU,WE.")
    )
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def day_list(self) -> list[int]:
        codes = [c.strip() for c in self.weekdays.split(",")]
        return [DAY_CODES.index(c) for c in codes if c in DAY_CODES]

    def days_label(self) -> str:
        """The days in the user's language: "Monday–Friday", "Tuesday, Thursday"."""
        runs: list[list[int]] = []
        for day in sorted(set(self.day_list())):
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = [
            f"{Weekday(run[0]).label}–{Weekday(run[-1]).label}"
            if len(run) > 2
            else ", ".join(str(Weekday(day).label) for day in run)
            for run in runs
        ]
        return ", ".join(names)


class PermanenceQuerySet(models.QuerySet["Permanence"]):
    def current(self, on: date) -> Self:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            deleted_at__isnull=True,
        )


class Permanence(BaseModel):
    """A partner's scheduled presence at a BIOSP site, e.g. the civil registry every Tuesday."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="permanences", verbose_name=_("service")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="permanences", verbose_name=_("site")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("from"))
    closes_at = models.TimeField(_("to"))
    free = models.BooleanField(_("free at the permanence"), default=True)
    amount = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    objects = PermanenceQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("permanence")
        verbose_name_plural = _("permanences")

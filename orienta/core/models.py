"""Countries, areas, organisations, sites, users and roles; the programme's themes."""

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orienta.lib import fixed
from orienta.lib.choices import ChoiceLabels
from orienta.lib.ids import uuid7
from orienta.lib.text import no_bidi_controls

if TYPE_CHECKING:
    from orienta.core.types import AnyUser


class BaseModel(ChoiceLabels):
    """Conventions every synced record keeps (see SYNC.md)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # Every change of a synced row goes through these two, so the version and the updated
    # stamp move together (SYNC.md: the version is the base of the three-way merge).
    TOUCHED_FIELDS = ("version", "updated_at", "updated_by")

    def touch(self, *, by: "AnyUser | None", at: datetime | None = None) -> list[str]:
        """Mark this row changed by `by` (None or anonymous: by the system) at `at` (now):
        one more version, the updated stamp. Returns the fields it set, for
        `save(update_fields=[*changed, *row.touch(by=...)])`."""
        self.version += 1
        self.updated_at = at or timezone.now()
        self.updated_by = _author(by)
        return list(self.TOUCHED_FIELDS)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Django's checks of each field, but a foreign key that holds an object read from the
        database is not looked up again (Django asks the database for every key, one query
        each: most of the cost of saving a visit). A key given by id, to a new object or with
        `limit_choices_to` is still checked; the database's own constraint still refuses a
        row whose target is gone."""
        skipped = set(exclude or ())
        for field in self._meta.concrete_fields:
            if field.many_to_one and field.name not in skipped and _read_target(self, field):
                skipped.add(field.name)
        super().clean_fields(exclude=skipped)

    def next_version(self) -> list[str]:
        """One more version, the stamp left as it is: a change received from another instance
        (the sync) brings its own. Returns the field it set."""
        self.version += 1
        return ["version"]

    @staticmethod
    def touched(*, by: "AnyUser | None", at: datetime | None = None) -> dict[str, Any]:
        """The same marks for a `QuerySet.update()` of many rows (a merge moving them)."""
        return {
            "version": models.F("version") + 1,
            "updated_at": at or timezone.now(),
            "updated_by": _author(by),
        }


def _read_target(row: models.Model, field: Any) -> bool:
    """Does the foreign key `field` of `row` hold the object it names, read from the database?"""
    if field.get_limit_choices_to() or not field.is_cached(row):
        return False
    target = field.get_cached_value(row)
    return (
        target is not None
        and not target._state.adding
        and getattr(target, field.target_field.attname) == getattr(row, field.attname)
    )


def _author(by: "AnyUser | None") -> "User | None":
    return by if isinstance(by, User) else None


class SiteQuerySet(models.QuerySet["Site"]):
    def visible_to(self, user: "AnyUser | None") -> Self:
        from orienta.core.scoping import site_filter

        return self.filter(site_filter(user), deleted_at__isnull=True)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: "AnyUser | None") -> Self:
        """Organisations of the countries a user works in (all for HQ roles)."""
        from orienta.core.scoping import organisation_filter

        return self.filter(organisation_filter(user), deleted_at__isnull=True)


class Country(ChoiceLabels):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(_("code"), max_length=2, unique=True, validators=[no_bidi_controls])
    name_fr = models.CharField(_("name (French)"), max_length=80, validators=[no_bidi_controls])
    name_pt = models.CharField(_("name (Portuguese)"), max_length=80, validators=[no_bidi_controls])
    name_en = models.CharField(_("name (English)"), max_length=80, validators=[no_bidi_controls])
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    timezone = models.CharField(_("time zone"), max_length=64)
    phone_prefix = models.CharField(_("phone prefix"), max_length=6)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        lang = (get_language() or "fr")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en


class Area(ChoiceLabels):
    """An administrative area: level 1 (province, region) or level 2 (district)."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="areas")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, "1"), (2, "2")])
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[no_bidi_controls])
    name = models.CharField(_("name"), max_length=120, validators=[no_bidi_controls])

    class Meta:
        ordering = ["country__code", "level", "name"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level=1, parent__isnull=True) | models.Q(level=2, parent__isnull=False)
                ),
                name="area_level_matches_parent",
            )
        ]

    def __str__(self) -> str:
        if self.parent_id and (parent := self.parent) is not None:
            return f"{self.name} ({parent.name})"
        return self.name

    def clean(self) -> None:
        if self.parent and self.parent.country_id != self.country_id:
            raise ValidationError(_("A district must be in the same country as its region."))


class Organisation(BaseModel):
    class Kind(models.TextChoices):
        CSO = "cso", _("Partner civil-society organisation")
        PUBLIC = "public", _("Public service")
        PROVIDER = "provider", _("Other service provider")
        NGO = "ngo", _("International NGO")

    name = models.CharField(_("name"), max_length=200, validators=[no_bidi_controls])
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="organisations")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    contact_name = models.CharField(
        _("contact person"),
        max_length=120,
        blank=True,
        validators=[no_bidi_controls],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


TIMEZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if tz.startswith("Africa/"))


class Site(BaseModel):
    """A BIOSP office."""

    code = models.CharField(_("code"), max_length=12, unique=True, validators=[no_bidi_controls])
    name = models.CharField(_("name"), max_length=120, validators=[no_bidi_controls])
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="sites")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sites")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sites",
        verbose_name=_("operating organisation"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES)
    # Next number for the readable codes of records made at this site (persons, households).
    person_seq = models.PositiveIntegerField(default=0, editable=False)
    household_seq = models.PositiveIntegerField(default=0, editable=False)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Site manager")
    COORDINATOR = "coordinator", _("Country coordinator")
    ME = "me", _("M&E / headquarters")
    PROVIDER = "provider", _("Service provider")
    ADMIN = "admin", _("Administrator")
    CSO = "cso", _("Partner CSO staff")


class User(ChoiceLabels, AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[no_bidi_controls]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[no_bidi_controls]
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    sites = models.ManyToManyField(Site, blank=True, related_name="staff", verbose_name=_("sites"))
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("organisation"),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to use the language of your site."),
    )

    # The user's sites (with their countries), read once per user object, i.e. once a request;
    # `core.scoping.forget_assigned_sites` drops the copy when the assignments change.
    _own_sites: list[Site]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COORDINATOR and not self.country_id:
            raise ValidationError({"country": _("A country coordinator needs a country.")})
        if self.role == Role.PROVIDER and not self.organisation_id:
            raise ValidationError({"organisation": _("A provider needs an organisation.")})
        if self.role == Role.CSO and (
            self.organisation is None or self.organisation.kind != Organisation.Kind.CSO
        ):
            raise ValidationError(
                {"organisation": _("A partner CSO's staff member needs their CSO.")}
            )

    @property
    def works_at_sites(self) -> bool:
        return self.role in (Role.AGENT, Role.MANAGER)

    def own_sites(self) -> list[Site]:
        """The sites the user is assigned to, in code order, with their countries (read once
        per user object, i.e. once a request)."""
        if not hasattr(self, "_own_sites"):
            # What `self.sites.select_related("country").order_by("code")` reads, in a
            # statement written once (orienta/lib/fixed.py): every request asks it.
            pk = self._meta.pk
            assert pk is not None
            self._own_sites = ASSIGNED_SITES.run(lambda db: [fixed.db_value(pk, self.pk, db)])
        return self._own_sites

    def primary_site(self) -> Site | None:
        """The first of the user's sites."""
        if not self.works_at_sites:
            return None
        sites = self.own_sites()
        return sites[0] if sites else None

    def preferred_language(self) -> str:
        if self.language:
            return self.language
        site = self.primary_site()
        if site:
            return site.country.language
        if self.country_id and (country := self.country) is not None:
            return country.language
        return settings.LANGUAGE_CODE


def _assigned(quote: fixed.Quote) -> str:
    """The tail of `ASSIGNED_SITES`: the sites of one user (`%s`), in code order."""
    sites = User._meta.get_field("sites")
    assert isinstance(sites, models.ManyToManyField)
    through = sites.remote_field.through
    assert through is not None
    table = through._meta.db_table
    site_id, user_id = sites.m2m_reverse_name(), sites.m2m_column_name()
    return (
        f"INNER JOIN {quote(table)} assigned ON assigned.{quote(site_id)} = t.{quote('id')} "
        f"WHERE assigned.{quote(user_id)} = %s ORDER BY t.{quote('code')}"
    )


ASSIGNED_SITES = fixed.Select(Site, _assigned, joined=("country",))


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 digest is stored."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.expires_at:%Y-%m-%d %H:%M}"


class ThemeQuerySet(models.QuerySet["Theme"]):
    def active(self) -> Self:
        return self.filter(active=True)


class Theme(models.Model):
    """A theme of request (civil registration, health, GBV…): what a visit is about, a case's
    needs, a service's taxonomy. Configurable, its name stored in the three languages."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_fr = models.CharField(_("name (French)"), max_length=120, validators=[no_bidi_controls])
    name_pt = models.CharField(
        _("name (Portuguese)"),
        max_length=120,
        validators=[no_bidi_controls],
    )
    name_en = models.CharField(_("name (English)"), max_length=120, validators=[no_bidi_controls])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "fr")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en


class Event(models.Model):
    """Append-only log of what services changed: who did what to which record, and when."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(Site, null=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.UUIDField(db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_id}"


class RetentionPeriod(models.Model):
    """How long one kind of record is kept before it is anonymised or purged.

    The kinds are the `Rule`s of `orienta/<app>/retention.py` (see orienta/core/retention.py);
    a kind without a row here is kept for its rule's default period.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(_("kind of record"), max_length=60, unique=True)
    days = models.PositiveIntegerField(
        _("days kept"),
        help_text=_("After this many days, the records of this kind are anonymised or purged."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    last_run_at = models.DateTimeField(_("last applied"), null=True, blank=True, editable=False)
    last_count = models.PositiveIntegerField(
        _("records at the last run"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="retention_days_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.days}"

"""The logframe (objectives → results → indicators), its baselines and targets, the values
entered by hand, and the DHIS2 mapping.

- The structure (`Objective`, `Result`, `LogframeIndicator`) is configuration, edited in the
  Django admin by administrators and M&E's administrators.
- `Target`: the baseline and the target of one indicator for one year and one scope (the whole
  programme, a country, or a site), set through `logframe_services.target_set` (version checked;
  every change is an event with the values before and after).
- `HandValue`: a value the system cannot compute, entered with its source; append-only — a
  correction is a new row that points to the one it replaces (`corrects`), which stays.
- `Dhis2DataElement` and `Dhis2OrgUnit`: which DHIS2 data element, category option combo and
  org unit an indicator (with a combination of dimension values) and a country or site map to.
"""

from decimal import Decimal
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orienta.core.models import BaseModel, Country, Site
from orienta.core.scoping import site_filter
from orienta.core.types import AnyUser
from orienta.lib.errors import AppendOnly
from orienta.lib.text import no_bidi_controls

UNITS = [
    ("persons", _("persons")),
    ("events", _("events")),
    ("ratio", _("ratio")),
    ("median", _("median")),
    ("amount", _("amount")),
]
DHIS2_UID = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9]{10}$",
    _("A DHIS2 identifier is 11 letters and digits, starting with a letter."),
)


class Translated(models.Model):
    """A text held in the three languages, shown in the reader's."""

    class Meta:
        abstract = True

    def _in_language(self, stem: str) -> str:
        lang = (get_language() or "fr")[:2]
        value: str = getattr(self, f"{stem}_{lang}", "") or getattr(self, f"{stem}_fr", "")
        return value


class Objective(BaseModel, Translated):
    class Level(models.TextChoices):
        GENERAL = "general", _("General objective")
        SPECIFIC = "specific", _("Specific objective")

    code = models.CharField(_("code"), max_length=12, unique=True, validators=[no_bidi_controls])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    statement_fr = models.TextField(_("statement (French)"), validators=[no_bidi_controls])
    statement_pt = models.TextField(_("statement (Portuguese)"), validators=[no_bidi_controls])
    statement_en = models.TextField(_("statement (English)"), validators=[no_bidi_controls])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return f"{self.code} — {self.statement}"

    @property
    def statement(self) -> str:
        return self._in_language("statement")


class Result(BaseModel, Translated):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="results", verbose_name=_("objective")
    )
    code = models.CharField(_("code"), max_length=12, unique=True, validators=[no_bidi_controls])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    statement_fr = models.TextField(_("statement (French)"), validators=[no_bidi_controls])
    statement_pt = models.TextField(_("statement (Portuguese)"), validators=[no_bidi_controls])
    statement_en = models.TextField(_("statement (English)"), validators=[no_bidi_controls])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.code} — {self.statement}"

    @property
    def statement(self) -> str:
        return self._in_language("statement")


class LogframeIndicator(BaseModel, Translated):
    """An indicator of a result: one the system computes (`indicator_code` names it in the
    registry of `orienta.lib.indicators`), or one entered by hand, with its own name and unit."""

    result = models.ForeignKey(
        Result, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("result")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            no_bidi_controls,
            RegexValidator(r"^[A-Z0-9_.-]+$", _("Capital letters, digits, _ . - only.")),
        ],
    )
    indicator_code = models.CharField(
        _("computed indicator"),
        max_length=40,
        blank=True,
        validators=[no_bidi_controls],
        help_text=_("The code of an indicator the system computes; empty if entered by hand."),
    )
    name_fr = models.CharField(
        _("name (French)"), max_length=300, blank=True, validators=[no_bidi_controls]
    )
    name_pt = models.CharField(
        _("name (Portuguese)"), max_length=300, blank=True, validators=[no_bidi_controls]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=300, blank=True, validators=[no_bidi_controls]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=UNITS, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("logframe indicator")
        verbose_name_plural = _("logframe indicators")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(indicator_code="")
                | (~models.Q(name_fr="") & ~models.Q(unit="")),
                name="logframe_indicator_computed_or_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def computed(self) -> bool:
        return bool(self.indicator_code)

    @property
    def name(self) -> str:
        own = self._in_language("name")
        if own or not self.computed:
            return own
        try:
            return str(self.registry().name)
        except LookupError:  # no longer computed: shown by its code
            return self.indicator_code

    def registry(self) -> Any:
        """The computed indicator of the registry (LookupError if it is not registered)."""
        from orienta.lib import indicators

        return indicators.get(self.indicator_code)

    def clean(self) -> None:
        if self.indicator_code:
            try:
                self.registry()
            except LookupError:
                raise ValidationError(
                    {"indicator_code": _("No computed indicator has this code.")}
                ) from None
        elif not (self.name_fr and self.unit):
            raise ValidationError(
                _("An indicator entered by hand needs at least its French name and its unit.")
            )


class ScopedFigureQuerySet(models.QuerySet[Any]):
    """Targets and hand-entered values, by the scope a user may read: a site manager their
    site's; a coordinator their country's and its sites'; M&E everything, the programme's
    figures included. Other roles nothing."""

    def visible_to(self, user: AnyUser | None) -> Self:
        from orienta.reporting.logframe_rules import (
            can_read_logframe,
            reads_country,
            reads_programme,
        )

        if not can_read_logframe(user):
            return self.none()
        live = self.filter(deleted_at__isnull=True)
        if reads_programme(user):
            return live
        if reads_country(user):
            return live.filter(country_id=getattr(user, "country_id", None))
        return live.filter(site__in=Site.objects.filter(site_filter(user)).values("pk"))


class Target(BaseModel):
    """The baseline and target of an indicator for a year and a scope: the programme (no
    country, no site), a country (no site), or a site (its country too)."""

    indicator = models.ForeignKey(
        LogframeIndicator, on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("site")
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[no_bidi_controls]
    )
    # "" for the programme, "TD" for a country, "TD/TD-NDJ1" for a site: one target per
    # indicator, year and scope (a unique constraint that treats "no country" as a value).
    scope_key = models.CharField(max_length=30, editable=False)

    objects = ScopedFigureQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "scope_key"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_target_per_indicator_year_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(site__isnull=True) | models.Q(country__isnull=False),
                name="target_site_has_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"


class HandValue(BaseModel):
    """A value entered by hand for an indicator the system does not compute, over a period
    (a month, quarter or year, `period` in the form "2026-11", "2026-Q4", "2026") and a scope.

    Append-only: a correction is a new row with `corrects` pointing to the row it replaces;
    the replaced row stays, so the history of a figure is never lost."""

    indicator = models.ForeignKey(
        LogframeIndicator, on_delete=models.PROTECT, related_name="hand_values"
    )
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("site")
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, validators=[no_bidi_controls])
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    reason = models.CharField(
        _("reason for the correction"), max_length=300, blank=True, validators=[no_bidi_controls]
    )

    objects = ScopedFigureQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-created_at"]
        verbose_name = _("value entered by hand")
        verbose_name_plural = _("values entered by hand")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=True) | models.Q(country__isnull=False),
                name="hand_value_site_has_country",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=Decimal(0)), name="hand_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(
                "a value entered by hand is never changed: record a correction instead"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("a value entered by hand is never removed: record a correction instead")


class Dhis2DataElement(BaseModel):
    """Where one figure goes in DHIS2: an indicator (its total, or one combination of
    dimension values such as sex=female, age_band=15-24) → a data element and a category
    option combo (and an attribute option combo if the data set uses one)."""

    indicator_code = models.CharField(_("indicator"), max_length=40, validators=[no_bidi_controls])
    dimensions = models.CharField(
        _("dimension values"),
        max_length=200,
        blank=True,
        help_text=_(
            "Empty for the indicator's total; otherwise dimension=value pairs separated by "
            "commas, e.g. sex=female,age_band=15-24."
        ),
        validators=[
            RegexValidator(
                r"^([a-z_]+=[A-Za-z0-9_+.-]+)(,[a-z_]+=[A-Za-z0-9_+.-]+)*$",
                _("Write dimension=value pairs separated by commas."),
            )
        ],
    )
    data_element = models.CharField(_("data element (UID)"), max_length=11, validators=[DHIS2_UID])
    category_option_combo = models.CharField(
        _("category option combo (UID)"), max_length=11, validators=[DHIS2_UID]
    )
    attribute_option_combo = models.CharField(
        _("attribute option combo (UID)"), max_length=11, blank=True, validators=[DHIS2_UID]
    )

    class Meta:
        ordering = ["indicator_code", "dimensions"]
        verbose_name = _("DHIS2 data element")
        verbose_name_plural = _("DHIS2 data elements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_code", "dimensions"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_dhis2_mapping_per_figure",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.dimensions or '—'} → {self.data_element}"

    def key(self) -> dict[str, str]:
        """The dimension values as a dict ({} for the total)."""
        if not self.dimensions:
            return {}
        return dict(pair.split("=", 1) for pair in self.dimensions.split(","))

    def clean(self) -> None:
        from orienta.lib import indicators

        try:
            indicator = indicators.get(self.indicator_code)
        except LookupError:
            # Or the code of a logframe indicator entered by hand: its total only.
            if LogframeIndicator.objects.filter(
                code=self.indicator_code, indicator_code="", deleted_at__isnull=True
            ).exists():
                if self.dimensions:
                    raise ValidationError(
                        {
                            "dimensions": _(
                                "An indicator entered by hand is sent as its total: leave "
                                "the dimension values empty."
                            )
                        }
                    ) from None
                return
            raise ValidationError(
                {
                    "indicator_code": _(
                        "No computed indicator, nor any indicator entered by hand, has this code."
                    )
                }
            ) from None
        unknown = set(self.key()) - set(indicator.dimensions)
        if unknown:
            raise ValidationError(
                {
                    "dimensions": _("This indicator cannot be split by %(names)s.")
                    % {"names": ", ".join(sorted(unknown))}
                }
            )


class Dhis2OrgUnit(BaseModel):
    """The DHIS2 org unit of a country (no site) or of a site."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    site = models.OneToOneField(
        Site, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("site")
    )
    org_unit = models.CharField(_("org unit (UID)"), max_length=11, validators=[DHIS2_UID])

    class Meta:
        ordering = ["country__code", "site__code"]
        verbose_name = _("DHIS2 org unit")
        verbose_name_plural = _("DHIS2 org units")
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(site__isnull=True, deleted_at__isnull=True),
                name="one_dhis2_org_unit_per_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site.code if self.site else self.country.code} → {self.org_unit}"

    def clean(self) -> None:
        if self.site_id and self.site and self.site.country_id != self.country_id:
            raise ValidationError({"site": _("The site must be in the country.")})

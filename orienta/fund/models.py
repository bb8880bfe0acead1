"""The support fund: funds, periods, accounts, the ledger, requests and payments.

Money never sits in a stored balance: every movement is an append-only `LedgerEntry`, and a
site's position (allocated, committed, paid, available) is the sum of its entries. The
`Account` row of a site in a fund is what a service locks (SELECT ... FOR UPDATE) before it
checks the position and writes an entry, so two approvals cannot both spend the last francs.
"""

from decimal import Decimal
from typing import Any, NoReturn, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orienta.core.models import BaseModel, Country, Organisation, Site
from orienta.core.scoping import ScopedQuerySet, site_filter
from orienta.core.types import AnyUser
from orienta.lib.choices import ChoiceLabels
from orienta.lib.errors import AppendOnly
from orienta.lib.ids import uuid7
from orienta.lib.text import no_bidi_controls


# Eligibility criteria a country may use; each country enables those its programme applies.
class Criterion(models.TextChoices):
    HIGH_VULNERABILITY = "high_vulnerability", _("High vulnerability")
    WOMAN_HEAD_ALONE = "woman_head_alone", _("Household head a woman alone")
    CHILD = "child", _("Child")
    DISABILITY = "disability", _("Disability")
    NO_INCOME = "no_income", _("No income")
    OLDER_PERSON = "older_person", _("Older person without support")
    SURVIVOR = "survivor", _("Survivor of violence")
    DISPLACED = "displaced", _("Displaced, refugee or returnee")


DEFAULT_OPERATORS = {
    "TD": ["Airtel Money", "Moov Money"],
    "MZ": ["M-Pesa", "e-Mola", "mKesh"],
    "GW": ["Orange Money", "MTN MoMo"],
}
DEFAULT_CRITERIA = [
    Criterion.HIGH_VULNERABILITY,
    Criterion.WOMAN_HEAD_ALONE,
    Criterion.CHILD,
    Criterion.DISABILITY,
    Criterion.NO_INCOME,
]


class FundSettings(models.Model):
    """The rules of the fund in one country, edited by administrators."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, related_name="fund_settings", verbose_name=_("country")
    )
    manager_limit = models.DecimalField(
        _("site manager approves up to"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("2000"),
        help_text=_("Requests above this amount are approved by the country coordinator."),
    )
    person_limit = models.DecimalField(
        _("limit per person and period"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    household_limit = models.DecimalField(
        _("limit per household and period"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("warn of a repeat within (days)"),
        default=30,
        help_text=_(
            "A request for the same person and service within this many days is shown "
            "as a possible repeat."
        ),
    )
    criteria = models.JSONField(
        _("eligibility criteria"),
        default=list,
        blank=True,
        help_text=_("Codes of the criteria used in this country."),
    )
    mobile_operators = models.JSONField(
        _("mobile money operators"),
        default=list,
        blank=True,
        help_text=_("Names of the operators payments can be made with."),
    )

    class Meta:
        verbose_name = _("fund settings")
        verbose_name_plural = _("fund settings")

    def __str__(self) -> str:
        return str(self.country)

    def criteria_choices(self) -> list[tuple[str, str | Promise]]:
        labels = dict(Criterion.choices)
        return [(c, labels[c]) for c in self.criteria if c in labels]


class Fund(BaseModel):
    """The support fund of one country, kept in the country's currency."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, related_name="fund", verbose_name=_("country")
    )
    name = models.CharField(_("name"), max_length=120, validators=[no_bidi_controls])
    currency = models.CharField(_("currency"), max_length=3, editable=False)

    class Meta:
        ordering = ["country__code"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class Period(BaseModel):
    """A period of allocations and limits, with the programme's euro rate for it."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="periods")
    name = models.CharField(_("name"), max_length=60, validators=[no_bidi_controls])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    eur_rate = models.DecimalField(
        _("units of local currency per euro"), max_digits=14, decimal_places=6
    )

    class Meta:
        ordering = ["fund", "-starts_on"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["fund", "starts_on"], name="fund_period_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="fund_period_order"
            ),
            models.CheckConstraint(condition=models.Q(eur_rate__gt=0), name="fund_period_rate"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Accounts of the sites in scope; providers see none."""
        return self.filter(site_filter(user, "site__"))


class Account(models.Model):
    """A site's share of a fund: the row locked while a movement is checked and written."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="fund_accounts")
    # Next number of the readable codes of the site's requests (e.g. TD-NDJ1-F0012).
    request_seq = models.PositiveIntegerField(default=0, editable=False)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["site__code"]
        verbose_name = _("site account")
        verbose_name_plural = _("site accounts")
        constraints = [models.UniqueConstraint(fields=["fund", "site"], name="fund_account_site")]

    def __str__(self) -> str:
        return f"{self.site.code} · {self.fund.currency}"


class Status(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved, to pay")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    PAID = "paid", _("Paid")
    REVERSED = "reversed", _("Payment reversed")


OPEN_STATUSES = (Status.REQUESTED, Status.APPROVED)
# Copies or units of a fee one request pays (3 copies of a certificate): enough for a family,
# small enough that a slip of the finger (300 for 3) is caught.
MAX_QUANTITY = 50
# Requests that count against limits: not refused, not cancelled, not reversed.
SPENDING_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.PAID)


class Level(models.TextChoices):
    MANAGER = "manager", _("Site manager")
    COORDINATOR = "coordinator", _("Country coordinator")


class FundRequestQuerySet(ScopedQuerySet["FundRequest"]):
    """Requests of the sites in scope, for the roles that read personal data. A provider reads
    no request: it sees its statements, which name requests by their codes only."""


class FundRequest(BaseModel):
    """A request to pay a service fee for a person from their site's fund."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="fund_requests", verbose_name=_("site")
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="requests")
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="requests", verbose_name=_("period")
    )
    code = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("person"),
    )
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("household"),
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("provider paid"),
    )
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("service"),
    )
    # The service's name when the request was made (statements keep it if the service changes).
    service_name = models.CharField(
        _("service"),
        max_length=200,
        blank=True,
        validators=[no_bidi_controls],
    )
    cost_option = models.ForeignKey(
        "directory.CostOption",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("cost option"),
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("referral"),
    )
    case_action = models.ForeignKey(
        "cases.CaseAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_requests",
        verbose_name=_("case action"),
    )
    # How many units of the fee (copies of a certificate...): the amount may reach the cost
    # option's price times this.
    quantity = models.PositiveSmallIntegerField(
        _("quantity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)],
    )
    # The total paid for the request (every unit together).
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    amount_eur = models.DecimalField(_("amount in euros"), max_digits=14, decimal_places=2)
    reason = models.TextField(_("reason"))
    criteria = models.JSONField(_("eligibility criteria met"), default=list)
    evidence = models.TextField(_("evidence"), blank=True)
    level = models.CharField(_("approved by"), max_length=12, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    # Set when the agent confirmed the request despite a look-alike within the repeat window.
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects = FundRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fund request")
        verbose_name_plural = _("fund requests")
        indexes = [
            models.Index(fields=["site", "status"]),
            models.Index(fields=["person", "period"]),
            models.Index(fields=["site", "created_at"], name="fund_request_site_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY),
                name="fund_request_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def criteria_labels(self) -> list[str]:
        labels = dict(Criterion.choices)
        return [str(labels.get(c, c)) for c in self.criteria]


class Method(models.TextChoices):
    CASH = "cash", _("Cash, against a receipt")
    MOBILE = "mobile", _("Mobile money")


class Payment(BaseModel):
    """The payment of a request to its provider: at most one per request."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    request = models.OneToOneField(FundRequest, on_delete=models.PROTECT, related_name="payment")
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    receipt_number = models.CharField(
        _("receipt number"),
        max_length=60,
        blank=True,
        validators=[no_bidi_controls],
    )
    operator = models.CharField(
        _("operator"),
        max_length=40,
        blank=True,
        validators=[no_bidi_controls],
    )
    reference = models.CharField(
        _("transaction reference"),
        max_length=60,
        blank=True,
        validators=[no_bidi_controls],
    )
    paid_on = models.DateField(_("paid on"))
    receipt = models.FileField(_("receipt"), upload_to="fund/receipts/%Y/%m/", blank=True)
    receipt_type = models.CharField(max_length=60, blank=True, editable=False)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "reference"],
                condition=models.Q(method="mobile"),
                name="fund_payment_mobile_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.code} · {self.get_method_display()}"


class Kind(models.TextChoices):
    ALLOCATION = "allocation", _("Allocation")
    COMMITMENT = "commitment", _("Commitment")
    RELEASE = "release", _("Release")
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Reversal")


# How each kind of entry moves the three columns of a position: (allocated, committed, paid).
EFFECTS = {
    Kind.ALLOCATION: (1, 0, 0),
    Kind.COMMITMENT: (0, 1, 0),
    Kind.RELEASE: (0, -1, 0),
    Kind.PAYMENT: (0, -1, 1),
    Kind.REVERSAL: (0, 0, -1),
}


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("ledger entries are never changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("ledger entries are never removed")

    def visible_to(self, user: AnyUser | None) -> Self:
        return self.filter(site_filter(user, "account__site__"))


class LedgerEntry(ChoiceLabels):
    """One movement of money. Written once by the fund's services; never changed or removed."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("movement"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    amount_eur = models.DecimalField(_("amount in euros"), max_digits=14, decimal_places=2)
    request = models.ForeignKey(
        FundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_entry_positive"),
            # A request is committed, released, paid and reversed at most once each.
            models.UniqueConstraint(
                fields=["request", "kind"],
                condition=models.Q(request__isnull=False),
                name="fund_entry_once_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.amount} {self.currency}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("ledger entries are never changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("ledger entries are never removed")

    def description(self) -> str:
        """What the movement is, in fixed words: the request it moves (by its code), or the
        coordinator's note of an allocation. The reasons of a cancellation or a reversal are
        written about a person: they stay on the request and its payment, not in the ledger."""
        if self.kind == Kind.ALLOCATION or not self.request_id:
            return self.note
        labels: dict[str, str] = {
            Kind.COMMITMENT: gettext("Approval of %(code)s"),
            Kind.RELEASE: gettext("Cancellation of %(code)s"),
            Kind.PAYMENT: gettext("Payment of %(code)s"),
            Kind.REVERSAL: gettext("Reversal of the payment of %(code)s"),
        }
        assert self.request is not None  # request_id is set
        return labels[self.kind] % {"code": self.request.code}

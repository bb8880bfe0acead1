"""Persons, households, consent and the traces of duplicate decisions and merges."""

from datetime import date, datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, BaseModel, Site
from orienta.core.scoping import ScopedQuerySet
from orienta.core.types import AnyUser
from orienta.lib.choices import ChoiceLabels
from orienta.lib.ids import uuid7
from orienta.lib.text import no_bidi_controls


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class MigrationStatus(models.TextChoices):
    NATIONAL = "national", _("National")
    IDP = "idp", _("Internally displaced")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    RETURNEE = "returnee", _("Returnee")
    MIGRANT = "migrant", _("Migrant")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL = "vocational", _("Vocational training")
    HIGHER = "higher", _("Higher education")


class CivilDocument(models.TextChoices):
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    NATIONAL_ID = "national_id", _("National identity card")
    PASSPORT = "passport", _("Passport")
    VOTER_CARD = "voter_card", _("Voter card")
    REFUGEE_ID = "refugee_id", _("Refugee or asylum-seeker document")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("Marriage certificate")
    FAMILY_BOOK = "family_book", _("Family record book")
    HEALTH_CARD = "health_card", _("Health card")


class WGAnswer(models.IntegerChoices):
    """Washington Group short set: one answer scale for the six questions."""

    NO_DIFFICULTY = 1, _("No difficulty")
    SOME_DIFFICULTY = 2, _("Some difficulty")
    A_LOT = 3, _("A lot of difficulty")
    CANNOT = 4, _("Cannot do at all")


WG_QUESTIONS = [
    ("wg_seeing", _("Difficulty seeing, even if wearing glasses?")),
    ("wg_hearing", _("Difficulty hearing, even if using a hearing aid?")),
    ("wg_walking", _("Difficulty walking or climbing steps?")),
    ("wg_cognition", _("Difficulty remembering or concentrating?")),
    ("wg_selfcare", _("Difficulty with self-care, such as washing all over or dressing?")),
    (
        "wg_communication",
        _("Difficulty communicating, for example understanding or being understood?"),
    ),
]


class DisabilityStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not asked")
    NONE = "none", _("No difficulty reported")
    SOME = "some", _("Some difficulty")
    DISABILITY = "disability", _("With disability")


def _wg_field(label):
    return models.PositiveSmallIntegerField(label, choices=WGAnswer.choices, null=True, blank=True)


class PersonQuerySet(ScopedQuerySet["Person"]):
    def visible_to(self, user: AnyUser | None) -> Self:
        """Persons in scope; merged records are tombstones and never listed."""
        return super().visible_to(user).filter(merged_into__isnull=True, erased_at__isnull=True)


class Person(BaseModel):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="persons", verbose_name=_("site")
    )
    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    given_name = models.CharField(_("given name(s)"), max_length=100, validators=[no_bidi_controls])
    family_name = models.CharField(_("family name"), max_length=100, validators=[no_bidi_controls])
    other_names = models.CharField(
        _("other names"),
        max_length=150,
        blank=True,
        validators=[no_bidi_controls],
    )
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True)
    locality = models.CharField(
        _("locality or neighbourhood"),
        max_length=120,
        blank=True,
        validators=[no_bidi_controls],
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("area")
    )
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    migration_status = models.CharField(
        _("migration status"),
        max_length=20,
        choices=MigrationStatus.choices,
        default=MigrationStatus.NATIONAL,
    )
    wg_seeing = _wg_field(_("seeing"))
    wg_hearing = _wg_field(_("hearing"))
    wg_walking = _wg_field(_("walking"))
    wg_cognition = _wg_field(_("remembering"))
    wg_selfcare = _wg_field(_("self-care"))
    wg_communication = _wg_field(_("communicating"))
    documents = models.JSONField(_("civil documents held"), default=list, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)
    consent_processing = models.BooleanField(
        _("consents to the processing of their data"), default=False
    )
    consent_sharing = models.BooleanField(
        _("consents to sharing with referral partners"), default=False
    )
    # SMS to the person (referral codes, reminders): asked like the other consents; a STOP
    # sent by the person is honoured by the SMS app whatever this says.
    consent_sms = models.BooleanField(_("agrees to receive SMS messages"), default=False)
    language = models.CharField(
        _("language of messages"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to use the language of the site's country."),
    )
    consent_date = models.DateField(_("date of consent"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )
    # Set by the erasure: the record stays, anonymised, so that counts hold.
    erased_at = models.DateTimeField(_("anonymised on"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    # The person's latest visit, cached by `frontdesk.queries.recent_visit`.
    _recent_visit: models.Model | None

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["site", "family_name"])]

    def __str__(self) -> str:
        return self.name_of(self.given_name, self.family_name, self.erased_at)

    @staticmethod
    def name_of(given_name: str, family_name: str, erased_at: datetime | None) -> str:
        """A person's name as lists show it, from the columns alone (lists read as values)."""
        if erased_at:
            return str(_("Anonymised record"))
        return f"{given_name} {family_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, on: date) -> int | None:
        if not self.birth_date:
            return None
        years = on.year - self.birth_date.year
        if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return max(years, 0)

    def wg_answers(self) -> list[int | None]:
        return [getattr(self, name) for name, _label in WG_QUESTIONS]

    @property
    def disability_status(self) -> str:
        """Washington Group cut-off: 'a lot of difficulty' or worse in any domain."""
        answers = [a for a in self.wg_answers() if a]
        if not answers:
            return DisabilityStatus.UNKNOWN
        if max(answers) >= WGAnswer.A_LOT:
            return DisabilityStatus.DISABILITY
        if max(answers) == WGAnswer.SOME_DIFFICULTY:
            return DisabilityStatus.SOME
        return DisabilityStatus.NONE

    def get_disability_status_display(self) -> str:
        return str(DisabilityStatus(self.disability_status).label)

    def document_labels(self) -> list[str]:
        labels = dict(CivilDocument.choices)
        return [str(labels.get(d, d)) for d in self.documents]


class PersonMatchKey(models.Model):
    """Derived blocking keys for duplicate search (rebuilt from the person, never synced).

    The person's site is copied here so a search reads only the postings of the sites in the
    user's scope, from the index alone (key, site, person): a common name's key is shared by
    tens of thousands of persons in a national registry, by a few thousand at one site.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="uniq_person_key")]
        indexes = [models.Index(fields=["key", "site", "person"], name="match_key_site")]

    def __str__(self) -> str:
        return self.key


class Household(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="households")
    code = models.CharField(_("code"), max_length=24, unique=True, editable=False)
    locality = models.CharField(
        _("locality or neighbourhood"),
        max_length=120,
        blank=True,
        validators=[no_bidi_controls],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code

    def current_members(self):
        return self.members.filter(left_on__isnull=True).select_related("person")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Son or daughter")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Father or mother")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class HouseholdMember(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=Relationship.choices
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(left_on__isnull=True),
                name="one_current_household_per_person",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(left_on__isnull=True, relationship="head"),
                name="one_current_head_per_household",
            ),
        ]


class MatchDecision(ChoiceLabels):
    """What the agent decided when registration found (or did not find) candidates."""

    class Decision(models.TextChoices):
        REGISTERED_NEW = "new", _("Registered as a new person")
        OPENED_EXISTING = "existing", _("Opened an existing person")

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="match_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    candidates = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.person_id} {self.decision}"


class PersonMerge(models.Model):
    """A merge of two records of one person; the merged record stays as a tombstone."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    merged_code = models.CharField(max_length=24, validators=[no_bidi_controls])
    snapshot = models.JSONField(help_text="The merged record as it was before the merge.")
    reason = models.TextField(blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.merged_code} → {self.survivor_id}"


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of the data")
    SHARING = "sharing", _("Sharing with referral partners")
    SMS = "sms", _("SMS messages")


class ConsentAnswer(models.TextChoices):
    """What the person answered when asked at registration, for one purpose."""

    GIVEN = "given", _("Gives consent")
    REFUSED = "refused", _("Refuses")
    NOT_ASKED = "not_asked", _("Not asked yet")


# The Person field that holds the current state of each purpose.
CONSENT_FIELDS: dict[str, str] = {
    ConsentPurpose.PROCESSING: "consent_processing",
    ConsentPurpose.SHARING: "consent_sharing",
    ConsentPurpose.SMS: "consent_sms",
}


class ConsentEvent(ChoiceLabels):
    """One change of a person's consent for one purpose: given, or withdrawn. Append-only."""

    # "given", "refused" or "withdrawn", set by `people.queries.consent_history`.
    state: str

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consent_events")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("given"), help_text=_("False when the consent is withdrawn."))
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # Empty only for the consents recorded before this history began, by an unknown user.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self) -> str:
        state = "given" if self.given else "withdrawn"
        return f"{self.person_id} {self.purpose} {state}"

"""What the persons API reads and writes."""

from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Choices, Prefetch
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import create_model

from orienta.core.types import AnyUser
from orienta.lib.text import NameText
from orienta.people.hooks import masked_person_ids
from orienta.people.models import (
    CivilDocument,
    ConsentAnswer,
    Education,
    HouseholdMember,
    MigrationStatus,
    Person,
    Sex,
    WGAnswer,
)

# The current household membership, fetched with the persons of a list in one query.
CURRENT_MEMBERSHIP = Prefetch(
    "memberships",
    to_attr="current_memberships",
    queryset=HouseholdMember.objects.filter(left_on__isnull=True).select_related("household"),
)

REASON_LABELS = {
    "same_phone": _("Same phone number"),
    "same_names": _("Same names"),
    "similar_names": _("Similar names"),
    "names_swapped": _("Given and family names swapped"),
    "same_birth_date": _("Same date of birth"),
    "close_birth_date": _("Close date of birth"),
    "birth_date_conflict": _("Different date of birth"),
    "same_sex": _("Same sex"),
    "sex_conflict": _("Different sex"),
    "other_name_match": _("Matches one of the other names"),
}


def _one_of(choices: type[Choices]) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


WG = _one_of(WGAnswer) + " Washington Group answer scale; null when not asked."


class PersonIn(Schema):
    """A person's fields, validated by the same form as the registration page."""

    given_name: NameText = ""
    family_name: NameText = ""
    other_names: NameText = ""
    sex: str = Field("", description=_one_of(Sex))
    birth_date: date | None = None
    birth_date_estimated: bool = False
    estimated_age: int | None = Field(
        None, description="Years, when the date of birth is not known (not with birth_date)."
    )
    phone: str = Field("", description="Any usual format; stored in E.164.")
    phone_alt: str = ""
    locality: NameText = ""
    area: str | None = Field(None, description="Code of an administrative area of the country.")
    nationality: str = Field("", description="ISO 3166 alpha-2 code.")
    migration_status: str = Field(
        MigrationStatus.NATIONAL.value, description=_one_of(MigrationStatus)
    )
    wg_seeing: int | None = Field(None, description=WG)
    wg_hearing: int | None = Field(None, description=WG)
    wg_walking: int | None = Field(None, description=WG)
    wg_cognition: int | None = Field(None, description=WG)
    wg_selfcare: int | None = Field(None, description=WG)
    wg_communication: int | None = Field(None, description=WG)
    documents: list[str] = Field(default_factory=list, description=_one_of(CivilDocument))
    education: str = Field("", description=_one_of(Education) + " Empty when not known.")
    occupation: str = ""
    consent_processing: bool = False
    consent_sharing: bool = False
    consent_sms: bool = False
    language: str = Field(
        "", description="Language of the SMS messages: fr, pt or en; empty: the site's country's."
    )


ANSWERED = (
    "What the person answered when asked at registration: "
    + _one_of(ConsentAnswer)[len("One of: ") :]
    + " Left out: not_asked (not asked yet). A consent given or refused is recorded in the "
    "person's consent history. true and false are read as given and not_asked."
)


class PersonCreateIn(PersonIn):
    site: str | None = Field(
        None, description="Site code; may be left out by a user who works at one site only."
    )
    confirm_new: bool = Field(
        False, description="Register even though look-alikes exist (after a 409 listing them)."
    )
    # Wider than PersonIn's: at registration the answer is a code (given, refused, not asked).
    consent_processing: str | bool = Field(  # type: ignore[assignment]
        ConsentAnswer.NOT_ASKED.value,
        description="Consent to the processing of the data. " + ANSWERED,
    )
    consent_sharing: str | bool = Field(  # type: ignore[assignment]
        ConsentAnswer.NOT_ASKED.value,
        description="Consent to sharing with referral partners; given only with the consent "
        "to processing. " + ANSWERED,
    )
    consent_sms: str | bool = Field(  # type: ignore[assignment]
        ConsentAnswer.NOT_ASKED.value,
        description="Agreement to receive SMS messages (referral codes, reminders). " + ANSWERED,
    )


def _all_optional(schema: type[Schema]) -> dict[str, Any]:
    """The field definitions of `schema`, each optional and without default."""
    fields: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        annotation: Any = field.annotation  # a type form, which `| None` makes optional
        fields[name] = (annotation | None, Field(None, description=field.description))
    return fields


# Every field of PersonIn, optional and without default, plus the version the client last read.
if TYPE_CHECKING:  # the class made below, as mypy can read it: a schema with a version

    class PersonPatchIn(Schema):
        version: int

else:
    PersonPatchIn = create_model(
        "PersonPatchIn",
        __base__=Schema,
        version=(int, Field(..., description="The `version` of the person as last read.")),
        **_all_optional(PersonIn),
    )


class PersonOut(Schema):
    id: UUID
    code: str
    given_name: str
    family_name: str
    other_names: str
    sex: str
    birth_date: date | None
    birth_date_estimated: bool
    phone: str
    phone_alt: str
    site: str = Field(description="Site code.")
    area: str | None = Field(description="Administrative area code.")
    locality: str
    migration_status: str
    nationality: str
    documents: list[str]
    education: str
    occupation: str
    wg_seeing: int | None
    wg_hearing: int | None
    wg_walking: int | None
    wg_cognition: int | None
    wg_selfcare: int | None
    wg_communication: int | None
    disability_status: str
    consent_processing: bool | None = Field(description="Null in a masked entry.")
    consent_sharing: bool | None = Field(description="Null in a masked entry.")
    consent_date: date | None
    household: str | None = Field(description="Code of the current household.")
    version: int
    created_at: datetime
    updated_at: datetime
    masked: bool = Field(
        False,
        description="In a list, a person with a sensitive case the caller may not see: "
        "only the initials, code, sex, date of birth and site are given, the rest is empty.",
    )

    @staticmethod
    def resolve_site(obj: Person) -> str:
        return obj.site.code

    @staticmethod
    def resolve_area(obj: Person) -> str | None:
        return obj.area.code if obj.area_id and obj.area is not None else None

    @staticmethod
    def resolve_household(obj: Person) -> str | None:
        members = getattr(obj, "current_memberships", None)
        if members is None:
            members = obj.memberships.filter(left_on__isnull=True).select_related("household")
        member = next(iter(members), None)
        return member.household.code if member else None


def _initial(name: str) -> str:
    return f"{name[:1].upper()}." if name else ""


def masked_entry(person: Person) -> SimpleNamespace:
    """What a list says of a person with a sensitive case its reader may not see, as the search
    page does: initials, code, sex, date of birth, site."""
    empty: dict[str, Any] = {name: None for name in PersonOut.model_fields}
    empty |= {name: "" for name in ("other_names", "phone", "phone_alt", "locality")}
    empty |= {name: "" for name in ("migration_status", "nationality", "education")}
    empty |= {"occupation": "", "disability_status": "", "documents": []}
    return SimpleNamespace(
        **empty
        | {
            "id": person.pk,
            "code": person.code,
            "given_name": _initial(person.given_name),
            "family_name": _initial(person.family_name),
            "sex": person.sex,
            "birth_date": person.birth_date,
            "birth_date_estimated": person.birth_date_estimated,
            "site": person.site,
            "area_id": None,
            "current_memberships": [],
            "version": person.version,
            "created_at": person.created_at,
            "updated_at": person.updated_at,
            "masked": True,
        }
    )


def mask_hidden(user: AnyUser, persons: list[Person]) -> list[Person | SimpleNamespace]:
    """The persons of a list, those with a sensitive case the user may not see masked (by the
    rule of the apps that keep such cases: `people.hooks`)."""
    hidden = masked_person_ids(user, [p.pk for p in persons])
    return [masked_entry(p) if p.pk in hidden else p for p in persons]


class IdentityIn(Schema):
    """What duplicate matching reads of a new person."""

    given_name: str = ""
    family_name: str = ""
    other_names: str = ""
    sex: str = ""
    birth_date: date | None = None
    birth_date_estimated: bool = False
    phone: str = ""


class CandidateOut(Schema):
    id: UUID
    code: str
    score: float
    reasons: list[str] = Field(description="Stable codes: " + ", ".join(REASON_LABELS) + ".")
    reason_labels: list[str] = Field(description="The reasons in the request language.")


class DuplicatesOut(Schema):
    detail: str
    candidates: list[CandidateOut]


def candidate_out(person: Person, result) -> dict:
    return {
        "id": person.pk,
        "code": person.code,
        "score": result.score,
        "reasons": list(result.reasons),
        "reason_labels": [str(REASON_LABELS.get(r, r)) for r in result.reasons],
    }

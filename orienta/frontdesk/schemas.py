"""What the front-desk API reads and writes."""

import datetime as dt
from uuid import UUID

from ninja import Field, Schema

from orienta.core.models import Theme
from orienta.frontdesk.models import AgeBand, Channel, Outcome, Visit
from orienta.people.models import Sex


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class ThemeOut(Schema):
    code: str
    name: str = Field(description="The name in the request language.")
    name_fr: str
    name_pt: str
    name_en: str

    @staticmethod
    def resolve_name(obj: Theme) -> str:
        return obj.name


class VisitFilters(Schema):
    site: str | None = Field(None, description="Site code.")
    person: UUID | None = Field(None, description="Visits of this person.")
    date: dt.date | None = Field(None, description="Visits on this day, in each site's time zone.")


class VisitIn(Schema):
    """A visit; anonymous (sex and age band only) when `person` is left out."""

    site: str | None = Field(
        None, description="Site code; may be left out by a user who works at one site only."
    )
    person: UUID | None = Field(None, description="Id of a registered person in scope.")
    occurred_at: dt.datetime | None = Field(None, description="Left out: now.")
    channel: str = Field(Channel.WALK_IN.value, description=_one_of(Channel))
    themes: list[str] = Field(default_factory=list, description="Theme codes, at least one.")
    outcome: str = Field("", description=_one_of(Outcome))
    notes: str = ""
    anonymous_sex: str = Field("", description="Anonymous visits only. " + _one_of(Sex))
    anonymous_age: int | None = Field(
        None, description="Anonymous visits only: the age in years (0 to 120)."
    )
    anonymous_age_band: str = Field(
        "",
        description="Anonymous visits only, when the age is not known: " + _one_of(AgeBand),
    )


REASON = Field(
    max_length=500, description="Why; kept in the visit's history. It must not be empty."
)


class VisitCorrectIn(Schema):
    """A correction: the fields given replace the visit's, the others stay as they were."""

    reason: str = REASON
    occurred_at: dt.datetime | None = Field(None, description="Left out: unchanged.")
    channel: str | None = Field(None, description=_one_of(Channel))
    themes: list[str] | None = Field(None, description="Theme codes, at least one.")
    outcome: str | None = Field(None, description=_one_of(Outcome))
    notes: str | None = None
    anonymous_sex: str | None = Field(None, description="Anonymous visits only. " + _one_of(Sex))
    anonymous_age: int | None = Field(
        None, description="Anonymous visits only: the age in years (0 to 120)."
    )
    anonymous_age_band: str | None = Field(
        None, description="Anonymous visits only. " + _one_of(AgeBand)
    )


class VisitVoidIn(Schema):
    reason: str = REASON


class VisitOut(Schema):
    id: UUID
    site: str = Field(description="Site code.")
    person: UUID | None
    person_code: str | None
    agent: str = Field(description="Username of the agent who recorded the visit.")
    occurred_at: dt.datetime
    channel: str
    themes: list[str]
    outcome: str
    notes: str
    anonymous_sex: str
    anonymous_age: int | None = Field(
        description="Anonymous visits only; null before it was asked."
    )
    anonymous_age_band: str
    supersedes: UUID | None = Field(
        description="The version of the visit this one corrects or voids; null for the first."
    )
    change_reason: str = Field(description="Why this version corrects or voids the one before.")
    voided_at: dt.datetime | None = Field(description="Set on the version that voids the visit.")

    @staticmethod
    def resolve_supersedes(obj: Visit) -> UUID | None:
        return obj.supersedes_id

    @staticmethod
    def resolve_site(obj: Visit) -> str:
        return obj.site.code

    @staticmethod
    def resolve_person(obj: Visit) -> UUID | None:
        return obj.person_id

    @staticmethod
    def resolve_person_code(obj: Visit) -> str | None:
        return obj.person.code if obj.person is not None else None

    @staticmethod
    def resolve_agent(obj: Visit) -> str:
        return obj.agent.username

    @staticmethod
    def resolve_themes(obj: Visit) -> list[str]:
        return [theme.code for theme in obj.themes.all()]

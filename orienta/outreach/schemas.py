"""What the community work API reads and writes."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from orienta.outreach.models import Format, OfferKind, Status, Topic, VenueType
from orienta.people.models import Sex


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class CountIn(Schema):
    sex: str = Field(description=_one_of(Sex))
    age_band: str = Field(description="One of the codes of GET /outreach/age-bands.")
    disability: bool = False
    count: int = Field(ge=0, le=99_999)


class CountOut(Schema):
    sex: str
    age_band: str
    disability: bool
    count: int


class AgeBandOut(Schema):
    code: str
    low: int
    high: int | None = Field(description="Inclusive; null: and over.")


class ActivityFilters(Schema):
    month: str | None = Field(
        None,
        description="A month (2026-11), a quarter or a year: activities held in it, or not "
        "held and planned in it.",
    )
    site: str | None = Field(None, description="A site code.")
    status: str | None = Field(None, description=_one_of(Status))


class ActivityIn(Schema):
    site: str | None = Field(None, description="Site code; left out: the caller's only site.")
    title: str = Field(max_length=200)
    planned_on: date
    held_on: date | None = Field(None, description="Given: the activity was held that day.")
    locality: str = Field("", max_length=200)
    area: str | None = Field(None, description="An area code of the site's country.")
    notes: str = ""


class CountedIn(ActivityIn):
    attendance: list[CountIn] = Field(
        default_factory=list, description="Persons by sex, age band and disability (if held)."
    )


class SessionIn(CountedIn):
    venue_type: str = Field("", description=_one_of(VenueType))
    format: str = Field("", description=_one_of(Format))
    themes: list[str] = Field(
        default_factory=list,
        description="Theme codes (GET /themes) and awareness themes: " + _one_of(Topic),
    )
    partner_facilitators: str = Field("", max_length=300)
    materials: str = ""
    questions: str = ""


class FairIn(CountedIn):
    venue: str = Field("", max_length=200)


class TrainingIn(ActivityIn):
    curriculum: str = Field(description="A curriculum code.")
    trainer: str = Field("", max_length=200)


class CountsIn(Schema):
    version: int = Field(description="The version last read; a newer one is a 409.")
    held_on: date
    attendance: list[CountIn] = Field(
        description="Every row counted: the counts recorded before are replaced."
    )


class ActivityOut(Schema):
    id: UUID
    site: str
    title: str
    status: str
    planned_on: date
    held_on: date | None
    area: str | None
    locality: str
    version: int


class SessionOut(ActivityOut):
    venue_type: str
    format: str
    themes: list[str]
    total: int
    attendance: list[CountOut]
    follow_up_visits: int


class OfferOut(Schema):
    kind: str = Field(description=_one_of(OfferKind))
    title: str
    places: int


class StandOut(Schema):
    organisation: UUID | None
    name: str
    services: str
    offers: list[OfferOut]


class FairOut(ActivityOut):
    venue: str
    total: int
    attendance: list[CountOut]
    stands: list[StandOut]
    oriented: int = Field(description="Visits with the channel “fair” linked to the fair.")
    hired: int
    enrolled: int


class ParticipantOut(Schema):
    agent: str | None = Field(description="The agent's username; null for a partner's staff.")
    name: str
    attended: bool
    pre_score: int | None
    post_score: int | None


class TrainingOut(ActivityOut):
    curriculum: str
    trainer: str
    participants: list[ParticipantOut]

"""What the networks API reads and writes: GTPS groups, meetings and actions."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from orienta.lib.text import NameText
from orienta.networks.models import ActionStatus, MeetingStatus, Sector


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class GtpsMemberOut(Schema):
    id: UUID
    organisation: UUID | None
    organisation_name: str
    name: str
    sector: str = Field(description=_one_of(Sector))
    position: str


class GtpsGroupOut(Schema):
    id: UUID
    country: str
    area: str | None = Field(description="The region's code; null: the whole country.")
    name: str
    mandate: str
    members: list[GtpsMemberOut]
    version: int


class GtpsGroupIn(Schema):
    country: str = Field(description="A country code (TD, MZ, GW) the caller manages.")
    area: str | None = Field(None, description="A region (level 1 area) code of the country.")
    name: NameText = Field(max_length=200)
    mandate: str = ""


class GtpsGroupChangeIn(Schema):
    area: str | None = Field(None, description="A region (level 1 area) code of its country.")
    name: NameText = Field(max_length=200)
    mandate: str = ""
    version: int | None = Field(
        None, description="The version read; a group changed since is refused (409)."
    )


class GtpsRemoveIn(Schema):
    version: int | None = Field(
        None, description="The version read; a group changed since is refused (409)."
    )


class GtpsGroupFilters(Schema):
    country: str | None = Field(None, description="A country code.")


class GtpsMeetingOut(Schema):
    id: UUID
    group: UUID
    on: date
    status: str = Field(description=_one_of(MeetingStatus))
    agenda: str
    minutes: str
    decisions: str
    present: list[UUID] = Field(description="The ids of the members present.")
    version: int


class GtpsMeetingIn(Schema):
    group: UUID
    on: date
    agenda: str = Field(min_length=1)


class GtpsGroupFilter(Schema):
    group: UUID | None = Field(None, description="The id of a group.")


class GtpsActionFilters(GtpsGroupFilter):
    status: str | None = Field(None, description=_one_of(ActionStatus))


class GtpsStepOut(Schema):
    status: str
    on: date
    note: str


class GtpsActionOut(Schema):
    id: UUID
    group: UUID
    meeting: UUID | None
    title: str
    lead: UUID | None
    lead_name: str
    deadline: date
    status: str = Field(description=_one_of(ActionStatus))
    status_on: date
    policy: str
    history: list[GtpsStepOut]
    version: int


class GtpsActionIn(Schema):
    group: UUID
    title: NameText = Field(max_length=300)
    deadline: date
    lead: UUID | None = Field(None, description="The id of an organisation of the country.")
    policy: NameText = Field("", max_length=300)
    meeting: UUID | None = Field(None, description="The meeting (of the group) it comes from.")


class GtpsActionStepIn(Schema):
    status: str = Field(description=_one_of(ActionStatus))
    on: date
    note: str = ""
    version: int | None = None

"""What the networks API reads and writes: GTPS groups, members, meetings and actions; the
resource centre's documents and support to CSOs; the diagnostics and their tables."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from orienta.lib.text import NameText
from orienta.networks.models import (
    ActionStatus,
    DocumentKind,
    Language,
    MeetingStatus,
    ResourceTheme,
    Sector,
    Sex,
    StudyStatus,
    SupportKind,
)


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class GtpsMemberOut(Schema):
    id: UUID
    group: UUID
    organisation: UUID | None
    organisation_name: str
    name: str = Field(description="The contact person; empty for an organisation alone.")
    sector: str = Field(description=_one_of(Sector))
    position: str
    version: int


class GtpsMemberIn(Schema):
    group: UUID = Field(description="A group the caller manages.")
    organisation: UUID | None = Field(
        None, description="An organisation of the group's country; or give a `name`."
    )
    name: NameText = Field("", max_length=200, description="A contact person.")
    sector: str = Field(description=_one_of(Sector))
    position: NameText = Field("", max_length=120)


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


# The resource centre
# =============================================================================================


class DocumentFilters(Schema):
    theme: str | None = Field(None, description=_one_of(ResourceTheme))
    language: str | None = Field(None, description=_one_of(Language))
    kind: str | None = Field(None, description=_one_of(DocumentKind))


class DocumentOut(Schema):
    id: UUID
    country: str | None = Field(description="A country's code; null: every country's library.")
    title: str
    kind: str = Field(description=_one_of(DocumentKind))
    theme: str = Field(description=_one_of(ResourceTheme))
    language: str = Field(description=_one_of(Language))
    description: str
    content_type: str
    size: int = Field(description="In bytes.")
    download_url: str = Field(description="The resource centre's download page of its file.")
    version: int


class DocumentIn(Schema):
    """Sent as multipart/form-data with the `file`."""

    country: str | None = Field(
        None,
        description="A country code the caller manages; empty for every country's library "
        "(M&E and administrators only).",
    )
    title: NameText = Field(max_length=200)
    kind: str = Field(description=_one_of(DocumentKind))
    theme: str = Field(description=_one_of(ResourceTheme))
    language: str = Field(description=_one_of(Language))
    description: str = Field("", max_length=5000)


class NamedOut(Schema):
    id: UUID
    name: str


class ParticipantOut(Schema):
    name: str
    sex: str = Field(description=_one_of(Sex))
    organisation: UUID
    position: str


class SupportOut(Schema):
    id: UUID
    country: str
    kind: str = Field(description=_one_of(SupportKind))
    topic: str
    theme: str = Field(description="Empty, or " + _one_of(ResourceTheme))
    on: date
    facilitator: str
    organisations: list[NamedOut] = Field(description="The CSOs supported.")
    notes: str
    women: int
    men: int
    participants: list[ParticipantOut] | None = Field(
        description="Who attended, for the coordinators and a CSO's staff (its own people); "
        "null for anyone else, who reads the counts by sex only."
    )
    version: int


class SupportIn(Schema):
    country: str = Field(description="A country code the caller manages.")
    kind: str = Field(description=_one_of(SupportKind))
    topic: NameText = Field(max_length=200)
    on: date
    theme: str = Field("", description="Empty, or " + _one_of(ResourceTheme))
    facilitator: NameText = Field("", max_length=200)
    organisations: list[UUID] = Field(
        min_length=1, max_length=100, description="The ids of the CSOs of the country supported."
    )
    notes: str = Field("", max_length=5000)


class ParticipantIn(Schema):
    name: NameText = Field(max_length=200)
    sex: str = Field(description=_one_of(Sex))
    organisation: UUID = Field(description="One of the CSOs the session supported.")
    position: NameText = Field("", max_length=200)


# Diagnostics
# =============================================================================================


class StudyFilters(Schema):
    status: str | None = Field(None, description=_one_of(StudyStatus))


class StudyOut(Schema):
    id: UUID
    country: str
    title: str
    partners: list[NamedOut] = Field(description="The partner universities.")
    area: str | None = Field(description="The code of the area studied; null: the country.")
    area_name: str
    starts_on: date
    ends_on: date
    questionnaire: str
    status: str = Field(description=_one_of(StudyStatus))
    responses: int = Field(description="The lines of data imported.")
    published_on: date | None
    summary: str
    version: int


class StudyIn(Schema):
    country: str = Field(description="A country code the caller manages.")
    title: NameText = Field(max_length=200)
    partners: list[UUID] = Field(
        min_length=1, max_length=50, description="The ids of the partner universities."
    )
    area: str | None = Field(None, description="The code of an area of the country.")
    starts_on: date
    ends_on: date
    questionnaire: str = Field("", max_length=5000)


class HeadingOut(Schema):
    code: str
    label: str


class TableOut(Schema):
    title: str
    rows: list[HeadingOut]
    columns: list[HeadingOut]
    cells: list[list[int | None]] = Field(
        description="Row by row, a figure per column; null: hidden, it rests on too few "
        "respondents (or would tell a hidden one)."
    )
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


class ImportOut(Schema):
    lines: int = Field(description="The lines imported (what was imported before is replaced).")
    study: StudyOut

"""What the cases API reads and writes."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from orienta.cases.models import (
    ActionStatus,
    Case,
    CaseAction,
    CaseEvent,
    ClosureReason,
    ContactKind,
    FollowUp,
    Risk,
    Status,
)


def _one_of(choices) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class CaseFilters(Schema):
    status: str | None = Field(None, description=_one_of(Status) + " Or `active` (not closed).")
    person: UUID | None = Field(None, description="Cases of this person.")
    q: str | None = Field(None, max_length=100, description="Case code or person's name.")
    mine: bool = Field(False, description="Only the cases the caller is responsible for.")


class CaseIn(Schema):
    person: UUID = Field(description="Id of a registered person in scope.")
    site: str | None = Field(
        None, description="Site code; left out: the person's site, if the caller works there."
    )
    visit: UUID | None = Field(None, description="The visit the case is opened from.")
    household: bool = Field(False, description="For the person's current household too.")
    needs: list[str] = Field(default_factory=list, description="Theme codes, at least one.")
    risk: str = Field(Risk.LOW.value, description=_one_of(Risk))
    assessment: str = ""
    sensitive: bool = False


class CasePatchIn(Schema):
    version: int = Field(description="The version last read; a newer one is a 409.")
    needs: list[str] | None = None
    risk: str | None = Field(None, description=_one_of(Risk))
    assessment: str | None = None
    sensitive: bool | None = None


class CaseOut(Schema):
    id: UUID
    code: str
    site: str = Field(description="Site code.")
    person: UUID
    person_code: str
    household: UUID | None
    visit: UUID | None
    responsible: str = Field(description="Username of the responsible agent.")
    needs: list[str]
    risk: str
    assessment: str
    sensitive: bool
    status: str = Field(description=_one_of(Status))
    closure_reason: str = Field(description=_one_of(ClosureReason) + " Empty unless closed.")
    opened_at: datetime
    closed_at: datetime | None
    last_contact_at: datetime
    version: int

    @staticmethod
    def resolve_site(obj: Case) -> str:
        return obj.site.code

    @staticmethod
    def resolve_person(obj: Case) -> UUID:
        return obj.person_id

    @staticmethod
    def resolve_person_code(obj: Case) -> str:
        return obj.person.code

    @staticmethod
    def resolve_household(obj: Case) -> UUID | None:
        return obj.household_id

    @staticmethod
    def resolve_visit(obj: Case) -> UUID | None:
        return obj.visit_id

    @staticmethod
    def resolve_responsible(obj: Case) -> str:
        return obj.responsible.username

    @staticmethod
    def resolve_needs(obj: Case) -> list[str]:
        return [theme.code for theme in obj.needs.all()]


class CaseEventOut(Schema):
    at: datetime
    kind: str
    actor: str | None
    text: str

    @staticmethod
    def resolve_actor(obj: CaseEvent) -> str | None:
        return obj.actor.username if obj.actor is not None else None


class CaseDetailOut(CaseOut):
    timeline: list[CaseEventOut]

    @staticmethod
    def resolve_timeline(obj: Case) -> list:
        return list(obj.events.select_related("actor").order_by("-at", "-id"))


class CloseIn(Schema):
    version: int | None = Field(None, description="The version last read, if given.")
    reason: str = Field(description=_one_of(ClosureReason))
    note: str = Field("", description="Required when the reason is `other`.")


class CaseReasonIn(Schema):
    version: int | None = None
    reason: str = Field(description="Why, in a full sentence.")


class ReassignIn(Schema):
    version: int | None = None
    responsible: str = Field(description="Username of an agent or manager of the case's site.")
    reason: str = ""


class ActionIn(Schema):
    what: str = Field(max_length=300)
    due_on: date = Field(
        description="Today or later at the case's site; with `done`, the day it was done "
        "(today or earlier)."
    )
    assignee: str | None = Field(None, description="Username; left out: the responsible agent.")
    done: bool = Field(False, description="True: record an action already done.")


class ActionPatchIn(Schema):
    version: int
    what: str | None = Field(None, max_length=300)
    due_on: date | None = None
    assignee: str | None = None
    status: str | None = Field(None, description=_one_of(ActionStatus))


class ActionOut(Schema):
    id: UUID
    case: UUID
    what: str
    assignee: str | None
    due_on: date
    status: str = Field(description=_one_of(ActionStatus))
    done_at: datetime | None
    version: int

    @staticmethod
    def resolve_case(obj: CaseAction) -> UUID:
        return obj.case_id

    @staticmethod
    def resolve_assignee(obj: CaseAction) -> str | None:
        return obj.assignee.username if obj.assignee is not None else None


class FollowUpIn(Schema):
    kind: str = Field(description=_one_of(ContactKind))
    planned: bool = Field(False, description="True: a contact planned for `due_on`.")
    due_on: date | None = Field(None, description="For a planned contact.")
    done_at: datetime | None = Field(None, description="For a contact made; left out: now.")
    notes: str = ""
    next_due_on: date | None = Field(None, description="Plans the next contact.")


class FollowUpOut(Schema):
    id: UUID
    case: UUID
    kind: str
    status: str
    due_on: date | None
    done_at: datetime | None
    agent: str | None
    notes: str

    @staticmethod
    def resolve_case(obj: FollowUp) -> UUID:
        return obj.case_id

    @staticmethod
    def resolve_agent(obj: FollowUp) -> str | None:
        return obj.agent.username if obj.agent is not None else None


class GrantOut(Schema):
    case: UUID
    expires_at: datetime

    @staticmethod
    def resolve_case(obj) -> UUID:
        return obj.case_id

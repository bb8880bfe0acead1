"""The JSON shapes of the partners API."""

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from orienta.core.models import Organisation
from orienta.lib.text import NameText
from orienta.partners.models import (
    ActionStatus,
    Application,
    Assessment,
    Contact,
    Grant,
    PlanAction,
    Profile,
    Stage,
    SupportType,
)


def _one_of(choices: Any) -> str:
    return "One of: " + ", ".join(str(v) for v in choices.values) + "."


class OrganisationIn(Schema):
    name: NameText = Field(min_length=1, max_length=200)
    country: str | None = Field(
        None, description="Its country's code (headquarters); a coordinator's is their own."
    )
    area: str | None = Field(None, description="The code of an area of the coordinator's country.")


class ContactOut(Schema):
    id: UUID
    name: str
    position: str
    phone: str
    email: str


class OrganisationOut(Schema):
    id: UUID
    name: str
    country: str
    legal_status: str
    registration_number: str
    registered_on: date | None
    year_founded: int | None
    staff: int
    volunteers: int
    annual_budget: Decimal | None
    budget_currency: str
    areas: list[str] = Field(description="Codes of the areas it works in.")
    sites: list[str] = Field(description="Codes of the BIOSPs it runs.")
    contacts: list[ContactOut] | None = Field(
        description="Its staff and board to reach, for those who edit the CSO's record (its "
        "own staff, its country's coordinator, headquarters); null for anyone else."
    )


def organisation_out(
    organisation: Organisation, profile: Profile | None, contacts: list[Contact] | None = None
) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "country": organisation.country.code,
        "legal_status": profile.legal_status if profile else "",
        "registration_number": profile.registration_number if profile else "",
        "registered_on": profile.registered_on if profile else None,
        "year_founded": profile.year_founded if profile else None,
        "staff": profile.staff if profile else 0,
        "volunteers": profile.volunteers if profile else 0,
        "annual_budget": profile.annual_budget if profile else None,
        "budget_currency": profile.budget_currency if profile else "",
        "areas": [a.code for a in profile.areas.all()] if profile else [],
        "sites": [s.code for s in organisation.sites.all() if s.deleted_at is None],
        "contacts": None
        if contacts is None
        else [
            {"id": c.pk, "name": c.name, "position": c.position, "phone": c.phone, "email": c.email}
            for c in contacts
        ],
    }


class ScoreIn(Schema):
    score: int = Field(ge=1, le=4, description="The consensus score, 1 to 4.")
    justification: str = Field("", max_length=1000)
    evidence: str = Field("", max_length=1000)
    individual: list[int] = Field(
        default_factory=list, max_length=30, description="The participants' own scores, 1 to 4."
    )


class AssessmentIn(Schema):
    organisation: UUID
    scores: dict[str, ScoreIn] = Field(description="{statement code: score}, every statement.")
    assessed_on: date | None = Field(None, description="Default: today in the CSO's country.")
    facilitator: NameText = Field("", max_length=120)
    participants: int = Field(0, ge=0, le=500)
    notes: str = Field("", max_length=2000)


class AreaResultOut(Schema):
    code: str
    average: Decimal
    stage: str


class ScoreOut(Schema):
    score: int
    justification: str
    evidence: str
    individual: list[int]


class AssessmentOut(Schema):
    id: UUID
    organisation: UUID
    tool: UUID
    tool_version: int
    assessed_on: date
    average: Decimal
    stage: str
    areas: list[AreaResultOut]
    scores: dict[str, ScoreOut]


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "organisation": assessment.organisation_id,
        "tool": assessment.tool_id,
        "tool_version": assessment.tool.revision,
        "assessed_on": assessment.assessed_on,
        "average": assessment.average,
        "stage": assessment.stage,
        "areas": [
            {"code": code, "average": Decimal(v["average"]), "stage": v["stage"]}
            for code, v in assessment.areas.items()
        ],
        "scores": assessment.scores,
    }


class GrantIn(Schema):
    organisation: UUID
    reference: NameText = Field(min_length=1, max_length=40)
    purpose: NameText = Field(min_length=1, max_length=300)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3)
    starts_on: date
    ends_on: date


class TrancheOut(Schema):
    number: int
    amount: Decimal
    planned_on: date
    conditions: str
    released_on: date | None


class ReportOut(Schema):
    kind: str
    due_on: date
    received_on: date | None


class GrantOut(Schema):
    id: UUID
    organisation: UUID
    reference: str
    purpose: str
    amount: Decimal
    currency: str
    starts_on: date
    ends_on: date
    tranches: list[TrancheOut]
    reports: list[ReportOut]


def grant_out(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "organisation": grant.organisation_id,
        "reference": grant.reference,
        "purpose": grant.purpose,
        "amount": grant.amount,
        "currency": grant.currency,
        "starts_on": grant.starts_on,
        "ends_on": grant.ends_on,
        "tranches": [
            {
                "number": t.number,
                "amount": t.amount,
                "planned_on": t.planned_on,
                "conditions": t.conditions,
                "released_on": t.released_on,
            }
            for t in grant.tranches.all()
            if t.deleted_at is None
        ],
        "reports": [
            {"kind": r.kind, "due_on": r.due_on, "received_on": r.received_on}
            for r in grant.reports.all()
            if r.deleted_at is None
        ],
    }


class CsoFilter(Schema):
    organisation: UUID | None = Field(None, description="Only this CSO's.")


STAGES = _one_of(Stage)


class ApplicationOut(Schema):
    id: UUID
    organisation: UUID
    donor: str
    call: str
    amount_requested: Decimal
    currency: str
    stage: str = Field(description=STAGES)
    submitted_on: date | None
    decided_on: date | None
    amount_obtained: Decimal | None
    version: int


def application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "organisation": application.organisation_id,
        "donor": application.donor,
        "call": application.call,
        "amount_requested": application.amount_requested,
        "currency": application.currency,
        "stage": application.stage,
        "submitted_on": application.submitted_on,
        "decided_on": application.decided_on,
        "amount_obtained": application.amount_obtained,
        "version": application.version,
    }


class PlanActionOut(Schema):
    id: UUID
    organisation: UUID
    assessment: UUID | None = Field(description="The assessment the action follows.")
    area: str = Field(description="The code of an area of the assessment tool.")
    description: str
    support: str = Field(description=_one_of(SupportType))
    responsible: str
    due_on: date
    status: str = Field(description=_one_of(ActionStatus))
    done_on: date | None
    version: int


def plan_action_out(action: PlanAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "organisation": action.organisation_id,
        "assessment": action.assessment_id,
        "area": action.area,
        "description": action.description,
        "support": action.support,
        "responsible": action.responsible,
        "due_on": action.due_on,
        "status": action.status,
        "done_on": action.done_on,
        "version": action.version,
    }

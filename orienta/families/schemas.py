"""The JSON shapes of the families API."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from orienta.families.models import Assessment, Enrolment, Instrument


class OptionOut(Schema):
    code: str
    name: str
    score: int


class IndicatorOut(Schema):
    code: str
    name: str
    weight: float
    deprived_from: int
    options: list[OptionOut]


class DimensionOut(Schema):
    code: str
    name: str
    weight: float
    indicators: list[IndicatorOut]


class InstrumentOut(Schema):
    id: UUID
    code: str
    version: int = Field(description="The instrument's version; assessments keep theirs.")
    country: str
    name: str
    rule: str = Field(description="“weighted” or “counting” (Alkire-Foster).")
    current: bool
    dimensions: list[DimensionOut]


def instrument_out(instrument: Instrument) -> dict[str, Any]:
    definition = instrument.parsed()
    return {
        "id": instrument.pk,
        "code": instrument.code,
        "version": instrument.revision,
        "country": instrument.country.code,
        "name": instrument.name,
        "rule": instrument.rule,
        "current": instrument.retired_at is None,
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "weight": float(d.weight),
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "weight": float(i.weight),
                        "deprived_from": i.deprived_from,
                        "options": [
                            {"code": o.code, "name": o.name, "score": o.score} for o in i.options
                        ],
                    }
                    for i in d.indicators
                ],
            }
            for d in definition.dimensions
        ],
    }


class AssessmentIn(Schema):
    household: str = Field(description="The household's code, as the persons API gives it.")
    instrument: UUID = Field(description="The id of the current version of an instrument.")
    answers: dict[str, str] = Field(description="{indicator code: option code}, every indicator.")
    assessed_on: date | None = Field(None, description="Default: today at the site.")
    respondent: str | None = Field(None, description="Code of the member who answered.")
    notes: str = Field("", max_length=2000)


class DimensionResultOut(Schema):
    code: str
    score: float
    level: str = Field(description="“green”, “amber” or “red”.")


class AssessmentOut(Schema):
    id: UUID
    household: str
    site: str
    instrument: UUID
    instrument_code: str
    instrument_version: int
    assessed_on: date
    score: float
    category: str = Field(description="“low”, “moderate”, “high” or “very_high”.")
    dimensions: list[DimensionResultOut]
    answers: dict[str, str]


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "household": assessment.household.code,
        "site": assessment.site.code,
        "instrument": assessment.instrument_id,
        "instrument_code": assessment.instrument.code,
        "instrument_version": assessment.instrument.revision,
        "assessed_on": assessment.assessed_on,
        "score": float(assessment.score),
        "category": assessment.category,
        "dimensions": [
            {"code": code, "score": float(value["score"]), "level": value["level"]}
            for code, value in assessment.dimensions.items()
        ],
        "answers": assessment.answers,
    }


class EnrolmentIn(Schema):
    household: str = Field(description="The household's code.")
    criteria: str = Field(min_length=1, max_length=1000)
    consent: bool = Field(description="The family agrees to be accompanied (required).")
    reassess_months: int = Field(3, ge=1, le=24)
    enrolled_on: date | None = None


class EnrolmentOut(Schema):
    id: UUID
    household: str
    site: str
    status: str
    enrolled_on: date
    criteria: str
    reassess_months: int
    next_due_on: date | None
    exit_reason: str
    exited_on: date | None


def enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "id": enrolment.pk,
        "household": enrolment.household.code,
        "site": enrolment.site.code,
        "status": enrolment.status,
        "enrolled_on": enrolment.enrolled_on,
        "criteria": enrolment.criteria,
        "reassess_months": enrolment.reassess_months,
        "next_due_on": enrolment.next_due_on,
        "exit_reason": enrolment.exit_reason,
        "exited_on": enrolment.exited_on,
    }


class HouseholdFilter(Schema):
    household: str | None = Field(None, description="Only this household's (its code).")

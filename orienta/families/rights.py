"""What the registry's data-subject export, erasure and merge do with the families' records
(see `orienta.people.hooks`): the assessments, accompaniments and goals of the households a
person belongs or belonged to, and the assessments they answered."""

from typing import Any

from django.db.models import Q, QuerySet

from orienta.families.models import Assessment, Enrolment
from orienta.families.services import family_records_follow, family_scrub_for_erasure
from orienta.people.models import Household

EXPORT_KEY = "families"


def _households(ids: list) -> QuerySet[Any]:
    return Household.objects.filter(members__person__in=ids).values("pk")


def export(ids: list) -> list[dict]:
    assessments = (
        Assessment.objects.filter(Q(respondent__in=ids) | Q(household__in=_households(ids)))
        .select_related("household", "instrument", "site")
        .order_by("assessed_on", "pk")
        .distinct()
    )
    enrolments = (
        Enrolment.objects.filter(household__in=_households(ids))
        .select_related("household")
        .prefetch_related("goals")
        .order_by("enrolled_on", "pk")
    )
    return [
        {
            "household": a.household.code,
            "site": a.site.code,
            "assessed_on": a.assessed_on.isoformat(),
            "instrument": f"{a.instrument.code} v{a.instrument.revision}",
            "answers": a.answers,
            "score": str(a.score),
            "category": a.category,
            "notes": a.notes,
            "answered_by_this_person": a.respondent_id in ids,
        }
        for a in assessments
    ] + [
        {
            "household": e.household.code,
            "enrolled_on": e.enrolled_on.isoformat(),
            "criteria": e.criteria,
            "status": e.status,
            "exit_reason": e.exit_reason,
            "goals": [
                {"dimension": g.dimension, "goal": g.text, "status": g.status}
                for g in e.goals.all()
            ],
        }
        for e in enrolments
    ]


def erase(ids: list, *, by) -> None:
    family_scrub_for_erasure(person_ids=list(ids), by=by)


def merge(*, survivor, merged, by) -> None:
    family_records_follow(survivor=survivor, merged=merged, by=by)

"""What the registry's data-subject export, erasure and merge do with a person's cases, and
which persons lists show by their initials (see `orienta.people.hooks`)."""

from orienta.cases import queries
from orienta.cases.models import Case
from orienta.cases.services import case_scrub_for_erasure
from orienta.lib import journal

# The section of the data-subject export these records fill.
EXPORT_KEY = "cases"


def export(ids: list) -> list[dict]:
    cases = (
        Case.objects.filter(person__in=ids)
        .select_related("site", "responsible")
        .prefetch_related("needs", "actions", "followups")
        .order_by("created_at")
    )
    return [
        {
            "code": c.code,
            "site": c.site.code,
            "status": c.status,
            "risk": c.risk,
            "sensitive": c.sensitive,
            "needs": [t.code for t in c.needs.all()],
            "assessment": c.assessment,
            "responsible": c.responsible.username if c.responsible else None,
            "opened_at": c.created_at.isoformat(),
            "closure_reason": c.closure_reason,
            "actions": [
                {"what": a.what, "due_on": a.due_on.isoformat(), "status": a.status}
                for a in c.actions.all()
            ],
            "follow_ups": [
                {"kind": f.kind, "status": f.status, "notes": f.notes} for f in c.followups.all()
            ],
        }
        for c in cases
    ]


def erase(ids: list, *, by) -> None:
    for case in Case.objects.filter(person__in=ids).order_by("pk"):
        case_scrub_for_erasure(case=case, by=by)


def merge(*, survivor, merged, by) -> None:
    """The cases of a merged record follow the survivor."""
    moving = list(Case.objects.filter(person=merged).values_list("pk", flat=True))
    Case.objects.filter(pk__in=moving).update(person=survivor, **Case.touched(by=by))
    journal.rows_updated(Case, moving, ["person", *Case.TOUCHED_FIELDS])


def masked_person_ids(user, ids) -> set:
    """Persons with a sensitive case the user may not see."""
    return queries.masked_person_ids(user, ids)

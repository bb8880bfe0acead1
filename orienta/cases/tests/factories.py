"""Functions other apps' tests may use to make cases (through the services)."""

from datetime import timedelta

from orienta.cases.models import Case, CaseAction
from orienta.cases.queries import site_today
from orienta.cases.services import case_action_add, case_open
from orienta.core.models import Theme


def make_case(person, by, **kw) -> Case:
    """A case for the person, opened by `by` (an agent or manager of the person's site)."""
    needs = kw.pop("needs", None)
    if needs is None:
        needs = list(Theme.objects.all()[:1])
    kw.setdefault("risk", "medium")
    kw.setdefault("assessment", "Besoin d’un acte de naissance pour l’inscription scolaire.")
    return case_open(person=person, by=by, needs=needs, **kw)


def make_action(
    case, by, *, what="Accompagner à l’état civil", days=0, assignee=None
) -> CaseAction:
    """An action due in `days` days of the site's calendar. Negative: overdue — planned for
    today, as it was when it was planned, then that day moved back (a past date is refused
    when an action is planned)."""
    today = site_today(case.site)
    action = case_action_add(
        case=case,
        by=by,
        what=what,
        due_on=today + timedelta(days=max(days, 0)),
        assignee=assignee,
    )
    if days < 0:
        action.due_on = today + timedelta(days=days)
        CaseAction.objects.filter(pk=action.pk).update(due_on=action.due_on)
    return action

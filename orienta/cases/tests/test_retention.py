"""Closed cases are anonymised after the retention period; open ones never."""

from datetime import timedelta

from django.utils import timezone

from orienta.cases.models import Case
from orienta.cases.retention import CLOSED_KIND, RULES
from orienta.cases.services import case_close, case_followup_record
from orienta.cases.tests.factories import make_action, make_case
from orienta.core.retention import retention_run


def test_closed_cases_are_anonymised_after_the_period(users, persons):
    agent = users["agent_td"]
    old = make_case(persons["person_td"], agent, assessment="Violences du mari.")
    make_action(old, agent, what="Accompagner au commissariat")
    case_followup_record(case=old, by=agent, kind="phone", notes="Elle est chez sa sœur.")
    case_close(case=old, by=agent, reason="other", note="Partie chez sa sœur à Sarh.")
    recent = make_case(persons["person_td"], agent, assessment="Récent")
    case_close(case=recent, by=agent, reason="needs_met")
    still_open = make_case(persons["person_td"], agent, assessment="Ouvert")
    Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=6 * 365))

    rule = next(r for r in RULES if r.kind == CLOSED_KIND)
    assert rule.default_days == 5 * 365
    cutoff = timezone.now() - timedelta(days=rule.default_days)
    assert rule.apply(cutoff, True) == 1
    assert Case.objects.get(pk=old.pk).assessment == "Violences du mari."  # dry run

    outcomes = {o.rule.kind: o for o in retention_run(timezone.now())}
    assert outcomes[CLOSED_KIND].count == 1 and not outcomes[CLOSED_KIND].error
    old.refresh_from_db()
    assert old.anonymised_at and old.assessment == ""
    assert old.closure_reason == "other" and old.needs.count() == 1  # the counts hold
    assert not old.followups.exclude(notes="").exists()
    assert not old.events.exclude(text="").exists()
    assert old.actions.get().what == "—"
    assert Case.objects.get(pk=recent.pk).assessment == "Récent"
    assert Case.objects.get(pk=still_open.pk).assessment == "Ouvert"
    assert rule.apply(cutoff, False) == 0  # done once

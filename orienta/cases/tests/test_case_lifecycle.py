"""Opening, planning, following up, closing and reopening a case, through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from orienta.cases.models import Case, CaseEvent, EventKind, Status
from orienta.cases.services import (
    CaseRefused,
    case_action_update,
    case_close,
    case_followup_plan,
    case_followup_record,
    case_reassign,
    case_reopen,
    case_update,
)
from orienta.cases.tests.factories import make_action, make_case
from orienta.core.services import StaleEdit


def _kinds(case):
    return list(
        CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("kind", flat=True)
    )


def test_a_case_gets_a_readable_code_per_site(persons, users):
    first = make_case(persons["person_td"], users["agent_td"])
    second = make_case(persons["person_td"], users["agent_td"])
    other_site = make_case(persons["person_td2"], users["agent_td2"])
    assert first.code == "TD-NDJ1-C-000001"
    assert second.code == "TD-NDJ1-C-000002"
    assert other_site.code == "TD-MOU1-C-000001"
    assert first.status == Status.OPEN and first.responsible == users["agent_td"]
    assert _kinds(first) == [EventKind.OPENED]


def test_only_the_staff_of_a_site_open_cases_there(persons, users):
    for name in ("agent_mz", "coordinator_td", "me_hq", "provider_user"):
        with pytest.raises(PermissionDenied):
            make_case(persons["person_td"], users[name])


def test_an_action_moves_the_case_in_progress_and_is_on_the_timeline(case_td, users):
    action = make_action(case_td, users["agent_td"], days=2)
    case_td.refresh_from_db()
    assert case_td.status == Status.IN_PROGRESS
    case_action_update(action=action, by=users["agent_td"], data={"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    assert _kinds(case_td) == [
        EventKind.OPENED,
        EventKind.STARTED,
        EventKind.ACTION_ADDED,
        EventKind.ACTION_DONE,
    ]
    with pytest.raises(CaseRefused):
        case_action_update(action=action, by=users["agent_td"], data={"status": "cancelled"})


def test_a_contact_updates_the_last_contact_and_plans_the_next(case_td, users):
    before = case_td.last_contact_at
    nxt = timezone.localdate() + timedelta(days=7)
    case_followup_record(
        case=case_td, by=users["agent_td"], kind="phone", notes="Appel : RDV pris.", next_due_on=nxt
    )
    case_td.refresh_from_db()
    assert case_td.last_contact_at > before
    planned = case_td.followups.get(status="planned")
    assert planned.due_on == nxt and planned.kind == "phone"
    case_followup_record(case=case_td, by=users["agent_td"], kind="office", planned=planned)
    planned.refresh_from_db()
    assert planned.status == "done" and planned.kind == "office"
    with pytest.raises(CaseRefused):
        case_followup_record(case=case_td, by=users["agent_td"], kind="office", planned=planned)


def test_close_and_reopen_with_reasons(case_td, users):
    agent = users["agent_td"]
    closed = case_close(case=case_td, by=agent, reason="needs_met")
    assert closed.status == Status.CLOSED and closed.closed_at
    with pytest.raises(CaseRefused, match="already closed"):
        case_close(case=closed, by=agent, reason="moved")
    with pytest.raises(CaseRefused):
        make_action(closed, agent)
    with pytest.raises(CaseRefused):
        case_followup_plan(case=closed, by=agent, kind="phone", due_on=timezone.localdate())
    with pytest.raises(CaseRefused):
        case_reopen(case=closed, by=agent, reason="  ")
    reopened = case_reopen(case=closed, by=agent, reason="Elle revient : nouvelle expulsion.")
    assert reopened.status == Status.IN_PROGRESS and reopened.closure_reason == ""
    with pytest.raises(CaseRefused):
        case_reopen(case=reopened, by=agent, reason="Encore une fois, par erreur.")
    event = CaseEvent.objects.get(case=case_td, kind=EventKind.REOPENED)
    assert (
        event.text == "Elle revient : nouvelle expulsion."
        and event.data["previous_reason"] == "needs_met"
    )


def test_other_as_a_closure_reason_needs_a_note(case_td, users):
    with pytest.raises(CaseRefused):
        case_close(case=case_td, by=users["agent_td"], reason="other")
    with pytest.raises(CaseRefused):
        case_close(case=case_td, by=users["agent_td"], reason="not-a-reason")
    assert Case.objects.get(pk=case_td.pk).status == Status.OPEN


def test_a_stale_edit_is_refused_and_changes_nothing(case_td, users):
    agent = users["agent_td"]
    version = case_td.version
    case_update(case=case_td, by=agent, data={"risk": "high"}, expected_version=version)
    with pytest.raises(StaleEdit):
        case_update(case=case_td, by=agent, data={"risk": "low"}, expected_version=version)
    assert Case.objects.get(pk=case_td.pk).risk == "high"


def test_only_a_manager_of_the_site_reassigns(case_td, users, agent_td_b):
    with pytest.raises(PermissionDenied):
        case_reassign(case=case_td, by=users["agent_td"], responsible=agent_td_b)
    with pytest.raises(CaseRefused):  # an agent of another site
        case_reassign(case=case_td, by=users["manager_td"], responsible=users["agent_td2"])
    action = make_action(case_td, users["agent_td"], assignee=users["agent_td"])
    moved = case_reassign(case=case_td, by=users["manager_td"], responsible=agent_td_b)
    assert moved.responsible == agent_td_b
    action.refresh_from_db()
    assert action.assignee == agent_td_b
    assert EventKind.REASSIGNED in _kinds(case_td)

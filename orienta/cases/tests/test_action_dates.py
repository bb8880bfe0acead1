"""An action is planned for today or later, at the case's site; an action recorded as already
done carries the day it was done, which may be past. "Today" is the site's date, not UTC's.

The clock stands at 23:30 UTC on 10 March 2030: already 11 March in N'Djamena (UTC+1), where
the cases of these tests are.
"""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from orienta.cases.models import ActionStatus, CaseAction, CaseEvent, EventKind
from orienta.cases.services import CaseRefused, case_action_add
from orienta.cases.tests.factories import make_case

NOW = datetime(2030, 3, 10, 23, 30, tzinfo=UTC)
UTC_TODAY = date(2030, 3, 10)
SITE_TODAY = date(2030, 3, 11)
PAST = "The due date is in the past."


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.fixture
def case(persons, users):
    return make_case(persons["person_td"], users["agent_td"])


def test_an_action_due_before_the_sites_today_is_refused(case, users):
    with pytest.raises(CaseRefused, match=PAST):
        case_action_add(case=case, by=users["agent_td"], what="Relancer", due_on=UTC_TODAY)
    assert not CaseAction.objects.exists()


def test_an_action_due_on_the_sites_today_is_planned(case, users):
    action = case_action_add(case=case, by=users["agent_td"], what="Relancer", due_on=SITE_TODAY)
    assert action.status == ActionStatus.PLANNED and action.due_on == SITE_TODAY


def test_an_action_already_done_may_carry_a_past_day(case, users):
    action = case_action_add(
        case=case, by=users["agent_td"], what="Accompagnée à la mairie", due_on=UTC_TODAY, done=True
    )
    assert action.status == ActionStatus.DONE and action.done_at == NOW
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ACTION_DONE).exists()


def test_an_action_already_done_cannot_be_in_the_future(case, users):
    with pytest.raises(CaseRefused, match="cannot be dated in the future"):
        case_action_add(
            case=case, by=users["agent_td"], what="Demain", due_on=date(2030, 3, 12), done=True
        )


def test_the_case_page_refuses_a_past_due_date_with_a_message(login, users, case):
    client = login(users["agent_td"])
    response = client.post(
        reverse("cases:action_add", args=[case.pk]),
        {"what": "Relancer l'école", "due_on": UTC_TODAY.isoformat()},
    )
    assert response.status_code == 422
    assert PAST in response.text
    assert not CaseAction.objects.exists()


def test_the_case_page_records_an_action_already_done_on_a_past_day(login, users, case):
    client = login(users["agent_td"])
    response = client.post(
        reverse("cases:action_add", args=[case.pk]),
        {"what": "Accompagnée à la mairie", "due_on": "2030-03-08", "done": "on"},
    )
    assert response.status_code == 302
    action = CaseAction.objects.get()
    assert (action.status, action.due_on) == (ActionStatus.DONE, date(2030, 3, 8))


def test_the_api_refuses_a_past_due_date_and_takes_an_action_done(client, users, case):
    from orienta.core.services import api_token_issue

    token, _row = api_token_issue(user=users["agent_td"])
    url = f"/api/v1/cases/{case.pk}/actions"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    body = {"what": "Relancer", "due_on": UTC_TODAY.isoformat()}
    response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "due_on"] and PAST in error["msg"]
    response = client.post(url, body | {"done": True}, content_type="application/json", **headers)
    assert response.status_code == 201
    assert response.json()["status"] == "done"


def test_an_expired_referral_plans_its_action_on_the_sites_day(case, users, world):
    from orienta.directory.tests.factories import make_service
    from orienta.referrals.services import referral_expire
    from orienta.referrals.tests.factories import make_referral

    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    referral = make_referral(case.person, service, users["agent_td"], case=case)
    _moved, action = referral_expire(referral=referral)
    assert action is not None and action.due_on == SITE_TODAY

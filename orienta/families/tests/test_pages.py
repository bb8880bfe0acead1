"""The family pages end to end: assess, list, enrol, plan, link, reassess, exit; scoping."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orienta.cases.services import case_followup_plan
from orienta.cases.tests.factories import make_case
from orienta.families import services
from orienta.families.models import Assessment, Enrolment, Goal, PlanAction
from orienta.families.tests.factories import BETTER, WORST, make_household

pytestmark = pytest.mark.django_db


def _answers(answers):
    return {f"q_{k}": v for k, v in answers.items()}


def test_an_agent_assesses_enrols_plans_and_reassesses(
    client, users, household_td, instrument_td, clock
):
    agent = users["agent_td"]
    client.force_login(agent)
    form = client.get(f"/families/{household_td.pk}/assess/")
    assert form.status_code == 200
    assert "Meals a day" in form.text and 'type="radio"' in form.text
    today = timezone.localdate()
    response = client.post(
        f"/families/{household_td.pk}/assess/",
        {**_answers(WORST), "assessed_on": today.isoformat(), "notes": "Visite à domicile."},
    )
    assert response.status_code == 302
    first = Assessment.objects.get()
    assert (first.category, str(first.score)) == ("very_high", "100.0")
    listed = client.get("/families/")
    assert household_td.code in listed.text and "Very high vulnerability" in listed.text
    assert (
        client.post(
            f"/families/{household_td.pk}/enrol/",
            {
                "criteria": "Very high vulnerability, mother alone.",
                "consent": "on",
                "reassess_months": 3,
            },
        ).status_code
        == 302
    )
    enrolment = Enrolment.objects.get()
    assert enrolment.next_due_on == today.replace(month=today.month + 3)
    client.post(
        f"/families/{household_td.pk}/goals/", {"dimension": "food", "text": "Deux repas par jour"}
    )
    goal = Goal.objects.get()
    case = make_case(household_td.members.get().person, agent)
    followup = case_followup_plan(
        case=case, by=agent, kind="phone", due_on=today + timedelta(days=2)
    )
    page = client.get(f"/families/{household_td.pk}/")
    assert "Deux repas par jour" in page.text and case.code in page.text
    client.post(
        f"/families/{household_td.pk}/actions/",
        {"record": f"followup:{followup.pk}", "goal": str(goal.pk)},
    )
    assert PlanAction.objects.get().followup == followup
    clock.shift(timedelta(days=92))
    client.force_login(agent)  # the session of three months ago has expired
    due = client.get("/families/")
    assert "Reassessments due" in due.text
    later = timezone.localdate()
    client.post(
        f"/families/{household_td.pk}/assess/",
        {**_answers(BETTER), "assessed_on": later.isoformat()},
    )
    enrolment.refresh_from_db()
    assert enrolment.next_due_on > later
    page = client.get(f"/families/{household_td.pk}/")
    assert page.text.count('class="red"') >= 2 and 'class="green"' in page.text
    assert "Moderate vulnerability" in page.text and "Very high vulnerability" in page.text
    client.post(f"/families/{household_td.pk}/goals/", {"dimension": "nowhere", "text": "x"})
    assert Goal.objects.count() == 1
    response = client.post(f"/families/{household_td.pk}/exit/", {"reason": "graduated"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.exit_reason, enrolment.next_due_on) == (
        "exited",
        "graduated",
        None,
    )


def test_a_missing_answer_saves_nothing(client, users, household_td, instrument_td):
    client.force_login(users["agent_td"])
    answers = _answers(WORST)
    del answers["q_roof"]
    response = client.post(
        f"/families/{household_td.pk}/assess/",
        {**answers, "assessed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_enrolment_needs_consent_and_an_assessment(users, household_td):
    with pytest.raises(services.FamilyRefused):
        services.enrolment_open(
            household=household_td, by=users["agent_td"], criteria="x", consent=True
        )
    with pytest.raises(services.FamilyRefused):
        services.enrolment_open(
            household=household_td, by=users["agent_td"], criteria="x", consent=False
        )
    assert not Enrolment.objects.exists()


def test_the_priority_list_shows_one_site_most_vulnerable_first(
    client, users, persons, world, instrument_td
):
    from orienta.people.services import person_register

    agent = users["agent_td"]
    second = person_register(
        site=world["sites"]["td"],
        by=agent,
        data={
            "sex": "male",
            "migration_status": "idp",
            "documents": [],
            "given_name": "Abakar",
            "family_name": "Issa",
        },
    )
    low = make_household(persons["person_td"], agent)
    high = make_household(second, agent)
    other = make_household(persons["person_td2"], users["agent_td2"])
    services.assessment_record(household=low, instrument=instrument_td, answers=BETTER, by=agent)
    services.assessment_record(household=high, instrument=instrument_td, answers=WORST, by=agent)
    services.assessment_record(
        household=other, instrument=instrument_td, answers=WORST, by=users["agent_td2"]
    )
    client.force_login(agent)
    page = client.get("/families/").text
    assert page.index(high.code) < page.index(low.code)
    assert other.code not in page
    displaced = client.get("/families/?displaced=1").text
    assert high.code in displaced and low.code not in displaced
    alone = client.get("/families/?female_head_alone=1").text
    assert low.code in alone and high.code not in alone
    assert client.get("/families/?site=TD-MOU1").status_code == 200
    assert other.code not in client.get("/families/?site=TD-MOU1").text


def test_headquarters_edit_an_instrument_as_a_new_version(client, users, instrument_td):
    import json

    from orienta.families.models import Instrument

    client.force_login(users["me_hq"])
    page = client.get(f"/families/instruments/{instrument_td.pk}/")
    assert page.status_code == 200 and "Meals a day" in page.text
    changed = dict(instrument_td.definition, rule="counting")
    bad = client.post(
        f"/families/instruments/{instrument_td.pk}/", {"name": "V", "definition": "{"}
    )
    assert bad.status_code == 422 and Instrument.objects.count() == 1
    done = client.post(
        f"/families/instruments/{instrument_td.pk}/",
        {"name": "Vulnérabilité", "definition": json.dumps(changed)},
    )
    new = Instrument.objects.get(retired_at__isnull=True)
    assert done.status_code == 302 and (new.revision, new.rule) == (2, "counting")
    client.force_login(users["coordinator_td"])
    assert (
        client.post(
            f"/families/instruments/{new.pk}/", {"name": "x", "definition": "{}"}
        ).status_code
        == 403
    )


def test_reassessments_due_reach_the_worklist_and_the_person_page(
    client, users, persons, household_td, instrument_td, clock
):
    agent = users["agent_td"]
    services.assessment_record(
        household=household_td, instrument=instrument_td, answers=WORST, by=agent
    )
    services.enrolment_open(
        household=household_td, by=agent, criteria="Très vulnérable", consent=True
    )
    client.force_login(agent)
    assert "families-due" not in client.get("/worklist/").text
    person_page = client.get(f"/people/{persons['person_td'].pk}/").text
    assert household_td.code in person_page and "Very high vulnerability" in person_page
    clock.shift(timedelta(days=93))
    client.force_login(agent)
    worklist = client.get("/worklist/").text
    assert "families-due" in worklist and household_td.code in worklist
    client.force_login(users["agent_td2"])
    assert household_td.code not in client.get("/worklist/").text

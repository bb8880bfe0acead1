"""Fairs (stands, visitors, people oriented, outcomes) and trainings (participants, scores, an
agent's record) through their pages; the calendar's export and its cost."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from orienta.frontdesk.services import visit_record
from orienta.outreach.models import FairOutcome, Participant, Stand
from orienta.outreach.services import BadInput, fair_visit_link, participant_add
from orienta.outreach.tests.factories import make_fair, make_session, make_training


def _fair_visit(users, world, persons):
    return visit_record(
        site=world["sites"]["td"],
        by=users["agent_td"],
        person=persons["person_td"],
        data={
            "channel": "fair",
            "themes": ["employment"],
            "outcome": "oriented",
            "occurred_at": timezone.now(),
        },
    )


def test_a_stand_with_an_offer_and_an_outcome_after_the_fair(client, users, world, persons):
    fair = make_fair(users["agent_td"], world["sites"]["td"])
    client.force_login(users["agent_td"])
    response = client.post(
        f"/outreach/fairs/{fair.pk}/stands/",
        {
            "organisation": world["provider_org"].pk,
            "services": "Consultations",
            "offer_kind": "job",
            "offer_title": "Aides-soignantes",
            "offer_places": "4",
        },
    )
    assert response.status_code == 302
    stand = Stand.objects.get()
    assert str(stand) == "Centre de santé de Chagoua" and stand.offers.get().places == 4
    visit = _fair_visit(users, world, persons)
    client.post(f"/outreach/fairs/{fair.pk}/visits/", {"visit": visit.pk})
    page = client.get(f"/outreach/fairs/{fair.pk}/").text
    assert "1 visit with the channel “fair”" in page and "Achta Mahamat" in page
    client.post(
        f"/outreach/fairs/{fair.pk}/outcomes/",
        {"person": persons["person_td"].pk, "kind": "hired", "on": "2026-03-11"},
    )
    assert FairOutcome.objects.get().kind == "hired"
    assert "hired: 1" in client.get(f"/outreach/fairs/{fair.pk}/").text


def test_an_organisation_of_another_country_has_no_stand(client, users, world):
    fair = make_fair(users["agent_td"], world["sites"]["td"])
    mz_org = world["sites"]["mz"].organisation
    client.force_login(users["agent_td"])
    response = client.post(f"/outreach/fairs/{fair.pk}/stands/", {"organisation": mz_org.pk})
    assert response.status_code == 200  # not a choice of the form: nothing saved
    assert not Stand.objects.exists()


def test_a_visit_before_the_fair_is_not_linked(users, world, persons):
    fair = make_fair(users["agent_td"], world["sites"]["td"])
    visit = _fair_visit(users, world, persons)
    fair.held_on = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(BadInput, match="before"):
        fair_visit_link(fair=fair, visit=visit, by=users["agent_td"])


def test_scores_and_the_agents_training_record(client, users, world):
    training = make_training(users["agent_td"], world["sites"]["td"])
    client.force_login(users["manager_td"])
    client.post(f"/outreach/trainings/{training.pk}/participants/", {"user": users["agent_td"].pk})
    client.post(
        f"/outreach/trainings/{training.pk}/participants/",
        {"name": "Fatimé Abakar", "organisation": world["provider_org"].pk},
    )
    agent = Participant.objects.get(user=users["agent_td"])
    client.post(
        f"/outreach/participants/{agent.pk}/",
        {"attended": "on", "pre_score": "45", "post_score": "80"},
    )
    agent.refresh_from_db()
    assert agent.attended and agent.gain == 35
    refused = client.post(f"/outreach/participants/{agent.pk}/", {"pre_score": "120"})
    assert refused.status_code == 302
    agent.refresh_from_db()
    assert agent.pre_score == 45
    record = client.get(f"/outreach/agents/{users['agent_td'].pk}/").text
    assert "Méthodologie BIOSP" in record and "post-test 80/100" in record


def test_an_agent_of_another_country_is_not_a_participant(users, world):
    training = make_training(users["agent_td"], world["sites"]["td"])
    with pytest.raises(BadInput):
        participant_add(training=training, user=users["agent_mz"], by=users["agent_td"])


def test_the_export_neutralises_formulas_and_names_nobody(client, users, world, persons):
    make_session(users["agent_td"], world["sites"]["td"], title='=HYPERLINK("http://x")')
    client.force_login(users["coordinator_td"])
    response = client.get("/outreach/export.xlsx?month=2026-03")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][4] == '\'=HYPERLINK("http://x")'
    assert rows[1][6] == 15  # the total counted
    assert "Mahamat" not in str(rows)


def test_the_calendar_costs_the_same_for_many_activities(client, users, world):
    client.force_login(users["coordinator_td"])
    make_session(users["agent_td"], world["sites"]["td"])
    client.get("/outreach/?month=2026-03")
    with CaptureQueriesContext(connection) as few:
        client.get("/outreach/?month=2026-03")
    for n in range(5):
        make_session(users["agent_td"], world["sites"]["td"], title=f"Séance {n}")
        make_fair(users["agent_td"], world["sites"]["td"])
        make_training(users["agent_td"], world["sites"]["td"])
    with CaptureQueriesContext(connection) as many:
        page = client.get("/outreach/?month=2026-03")
    assert page.text.count("Séance ") == 5
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]

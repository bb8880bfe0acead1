"""Awareness sessions: planned, then recorded with counts; details later; named attendees;
follow-up visits; the calendar."""

import datetime

import pytest
from django.utils import timezone

from orienta.frontdesk.services import visit_record
from orienta.outreach import queries
from orienta.outreach.attendance import BadAttendance
from orienta.outreach.models import AwarenessSession, SessionCount, Status
from orienta.outreach.services import (
    BadInput,
    OutreachRefused,
    Place,
    SessionDetails,
    activity_cancel,
    attendance_of,
    session_attendee_add,
    session_describe,
    session_record,
    session_visit_link,
)
from orienta.outreach.tests.factories import MORNING_DAY, counts, make_session


def test_an_agent_records_a_session_with_counts_on_the_phone_page(client, users, world):
    client.force_login(users["agent_td"])
    page = client.get("/outreach/sessions/new/?held=1")
    assert page.status_code == 200
    assert 'name="n-female-15-24-0"' in page.text
    response = client.post(
        "/outreach/sessions/new/?held=1",
        {
            "site": world["sites"]["td"].pk,
            "title": "Causerie au marché",
            "planned_on": "2026-03-10",
            "held": "1",
            "n-female-15-24-0": "12",
            "n-male-25-35-1": "3",
            "n-undisclosed-60+-0": "1",
            "total": "16",
        },
    )
    session = AwarenessSession.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/outreach/sessions/{session.pk}/"
    )
    assert session.status == Status.HELD and session.held_on == datetime.date(2026, 3, 10)
    assert attendance_of(session).total == 16
    detail = client.get(response["Location"])
    assert "16 persons counted" in detail.text
    calendar = client.get("/outreach/?month=2026-03")
    assert "Causerie au marché" in calendar.text and "16 persons" in calendar.text


def test_bad_counts_save_nothing_and_say_why(client, users, world):
    client.force_login(users["agent_td"])
    data = {
        "site": world["sites"]["td"].pk,
        "title": "Causerie",
        "planned_on": "2026-03-10",
        "held": "1",
        "n-female-15-24-0": "-4",
    }
    response = client.post("/outreach/sessions/new/?held=1", data)
    assert response.status_code == 200
    assert "A count cannot be negative." in response.text
    assert not AwarenessSession.objects.exists()
    data |= {"n-female-15-24-0": "4", "total": "5"}
    response = client.post("/outreach/sessions/new/?held=1", data)
    assert "The counts add up to 4, not to the total of 5" in response.text
    assert not AwarenessSession.objects.exists()


def test_a_planned_session_is_recorded_as_held_later(client, users, world):
    session = make_session(users["agent_td"], world["sites"]["td"], held=False)
    assert session.status == Status.PLANNED and not session.counts.exists()
    client.force_login(users["manager_td"])
    response = client.post(
        f"/outreach/sessions/{session.pk}/counts/",
        {"held_on": "2026-03-11", "n-male-0-14-0": "7", "version": session.version},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_held and attendance_of(session).by_age_band() == {"0-14": 7}


def test_a_session_cannot_be_held_in_the_future(users, world):
    session = make_session(users["agent_td"], world["sites"]["td"], held=False)
    with pytest.raises(BadInput, match="still to come"):
        session_record(
            session=session,
            attendance=counts(("female", "0-14", False, 1)),
            held_on=MORNING_DAY + datetime.timedelta(days=1),
            by=users["agent_td"],
        )
    session.refresh_from_db()
    assert session.status == Status.PLANNED and not SessionCount.objects.exists()


def test_named_attendees_never_exceed_the_count(users, world, persons):
    session = make_session(
        users["agent_td"], world["sites"]["td"], rows=[("female", "36-59", False, 1)]
    )
    session_attendee_add(session=session, person=persons["person_td"], by=users["agent_td"])
    with pytest.raises(BadAttendance, match="2 persons are named but only 1 are counted"):
        session_attendee_add(session=session, person=persons["person_td2"], by=users["agent_td"])
    with pytest.raises(BadAttendance, match="1 persons are named but only 0 are counted"):
        session_record(
            session=session, attendance=counts(), held_on=MORNING_DAY, by=users["agent_td"]
        )
    assert attendance_of(session).total == 1


def test_an_attendee_of_another_country_is_refused(users, world, persons):
    session = make_session(users["agent_td"], world["sites"]["td"])
    with pytest.raises(BadInput):
        session_attendee_add(session=session, person=persons["person_mz"], by=users["agent_td"])


def test_details_come_later(users, world):
    session = make_session(users["agent_td"], world["sites"]["td"])
    session_describe(
        session=session,
        place=Place(title="Causerie", area=world["area_td"], locality="Marché de Chagoua"),
        details=SessionDetails(
            venue_type="market",
            format="theatre",
            themes=["civil_registration", "gbv"],
            topics=["gender_equality"],
            facilitators=[users["agent_td"]],
            materials="Affiches",
            questions="Comment obtenir un acte de naissance ?",
        ),
        by=users["agent_td"],
        version=session.version,
    )
    session.refresh_from_db()
    assert session.venue_type == "market" and session.topics == ["gender_equality"]
    assert {t.code for t in session.themes.all()} == {"civil_registration", "gbv"}
    with pytest.raises(BadInput, match="Unknown themes"):
        session_describe(
            session=session,
            place=Place(title="Causerie"),
            details=SessionDetails(topics=["astrology"]),
            by=users["agent_td"],
        )
    with pytest.raises(BadInput, match="facilitator"):
        session_describe(
            session=session,
            place=Place(title="Causerie"),
            details=SessionDetails(facilitators=[users["agent_mz"]]),
            by=users["agent_td"],
        )


def _visit(users, world, persons, channel):
    data = {
        "channel": channel,
        "themes": ["civil_registration"],
        "outcome": "informed",
        "occurred_at": timezone.now(),
    }
    return visit_record(
        site=world["sites"]["td"], by=users["agent_td"], person=persons["person_td"], data=data
    )


def test_follow_up_visits_are_counted(users, world, persons):
    session = make_session(users["agent_td"], world["sites"]["td"])
    visit = _visit(users, world, persons, "outreach")
    assert queries.linkable_visits(users["agent_td"], session, "outreach") == [visit]
    session_visit_link(session=session, visit=visit, by=users["agent_td"])
    assert queries.session_followups(session) == 1
    assert queries.linkable_visits(users["agent_td"], session, "outreach") == []
    with pytest.raises(OutreachRefused):
        session_visit_link(session=session, visit=visit, by=users["agent_td"])


def test_a_walk_in_visit_is_not_a_follow_up(users, world, persons):
    session = make_session(users["agent_td"], world["sites"]["td"])
    visit = _visit(users, world, persons, "walk_in")
    with pytest.raises(BadInput, match="Outreach"):
        session_visit_link(session=session, visit=visit, by=users["agent_td"])


def test_only_a_planned_session_is_cancelled(users, world):
    planned = make_session(users["agent_td"], world["sites"]["td"], held=False)
    activity_cancel(activity=planned, by=users["agent_td"])
    planned.refresh_from_db()
    assert planned.status == Status.CANCELLED
    with pytest.raises(OutreachRefused):
        session_record(
            session=planned, attendance=counts(), held_on=MORNING_DAY, by=users["agent_td"]
        )
    held = make_session(users["agent_td"], world["sites"]["td"])
    with pytest.raises(OutreachRefused):
        activity_cancel(activity=held, by=users["agent_td"])


def test_the_calendar_of_a_coordinator_holds_the_country(client, users, world):
    make_session(users["agent_td"], world["sites"]["td"], title="Séance de Chagoua")
    make_session(users["agent_td2"], world["sites"]["td2"], title="Séance de Moundou")
    make_session(users["agent_mz"], world["sites"]["mz"], title="Sessão de Chamanculo")
    client.force_login(users["coordinator_td"])
    page = client.get("/outreach/?month=2026-03").text
    assert "Séance de Chagoua" in page and "Séance de Moundou" in page
    assert "Chamanculo" not in page
    client.force_login(users["agent_td"])
    page = client.get("/outreach/?month=2026-03").text
    assert "Séance de Chagoua" in page and "Moundou" not in page


def test_a_named_attendance_is_in_the_persons_export_and_follows_a_merge(users, world, persons):
    from orienta.outreach import rights

    session = make_session(users["agent_td"], world["sites"]["td"])
    session_attendee_add(session=session, person=persons["person_td"], by=users["agent_td"])
    (found,) = rights.export([persons["person_td"].pk])
    assert found["session"] == session.title and found["site"] == "TD-NDJ1"
    rights.merge(survivor=persons["person_td2"], merged=persons["person_td"], by=users["agent_td"])
    assert list(session.attendees.all()) == [persons["person_td2"]]


def test_erasure_unnames_the_attendee_and_keeps_the_counts(users, world, persons):
    from orienta.outreach import rights

    session = make_session(users["agent_td"], world["sites"]["td"])
    session_attendee_add(session=session, person=persons["person_td"], by=users["agent_td"])
    rights.erase([persons["person_td"].pk], by=users["coordinator_td"])
    assert not session.attendees.exists()
    assert attendance_of(session).total == 15

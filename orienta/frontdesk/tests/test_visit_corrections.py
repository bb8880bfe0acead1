"""A visit is corrected or voided by its author or the site's manager, with a reason. Visits
are append-only: each change is a new version pointing to the one it replaces, the history keeps
them all, and every count and list reads the current versions."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from orienta.core.models import Event
from orienta.core.services import StaleEdit, api_token_issue
from orienta.frontdesk.models import Theme, Visit
from orienta.frontdesk.services import visit_correct, visit_record, visit_void


@pytest.fixture(autouse=True)
def _in_english(users_in_english):
    """The pages are read in English here (orienta/conftest.py, `users_in_english`)."""


@pytest.fixture
def agent_td_b(world):
    """A second agent of TD-NDJ1."""
    from orienta.conftest import _user
    from orienta.core.models import Role

    return _user("agent_td_b", Role.AGENT, sites=[world["sites"]["td"]])


def _record(person, agent, *, site=None, minutes=5, **data):
    values = {
        "themes": list(Theme.objects.filter(code="health")),
        "channel": "walk_in",
        "outcome": "informed",
        "notes": "Cherche un centre de santé pour sa fille.",
        "occurred_at": timezone.now() - datetime.timedelta(minutes=minutes),
        "anonymous_sex": "female",
        "anonymous_age_band": "25-59",
    } | data
    return visit_record(site=site or person.site, by=agent, data=values, person=person)


@pytest.fixture
def visit(persons, users):
    return _record(persons["person_td"], users["agent_td"])


def _form(visit, **changes):
    """What the correction form posts when the agent changes `changes`."""
    local = timezone.localtime(visit.occurred_at, ZoneInfo(visit.site.timezone))
    data = {
        "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
        "channel": visit.channel,
        "themes": [t.pk for t in visit.themes.all()],
        "outcome": visit.outcome,
        "notes": visit.notes,
        "reason": "L'orientation a été saisie comme une information.",
    }
    if visit.person_id is None:
        data |= {
            "anonymous_sex": visit.anonymous_sex,
            "anonymous_age_band": visit.anonymous_age_band,
        }
    return data | changes


def _frozen(visit):
    return Visit.objects.filter(pk=visit.pk).values().get()


# Correcting


def test_the_author_corrects_a_visit_and_its_history_keeps_both_versions(login, users, visit):
    before = _frozen(visit)
    client = login(users["agent_td"])
    response = client.post(
        reverse("frontdesk:visit_correct", args=[visit.pk]), _form(visit, outcome="oriented")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:person", args=[visit.person_id]) + "#visits"
    new = Visit.objects.get(supersedes=visit)
    assert (new.outcome, new.notes, new.agent, new.created_by) == (
        "oriented",
        visit.notes,
        users["agent_td"],
        users["agent_td"],
    )
    assert new.occurred_at == visit.occurred_at  # the time shown to the minute is kept whole
    assert new.change_reason == "L'orientation a été saisie comme une information."
    assert _frozen(visit) == before  # the earlier version is never edited
    assert list(Visit.objects.current()) == [new]
    assert Event.objects.filter(verb="visit.corrected", object_id=new.pk).exists()
    page = client.get(reverse("frontdesk:person", args=[visit.person_id])).text
    assert page.count("Oriented to a service") == 1 and "Information given" in page
    assert "Corrected on" in page and "saisie comme une information" in page


def test_the_sites_manager_corrects_an_agents_visit(login, users, visit):
    response = login(users["manager_td"]).post(
        reverse("frontdesk:visit_correct", args=[visit.pk]), _form(visit, channel="phone")
    )
    assert response.status_code == 302
    new = Visit.objects.current().get()
    assert (new.channel, new.agent, new.created_by) == (
        "phone",
        users["agent_td"],
        users["manager_td"],
    )


def test_a_correction_needs_a_reason_and_a_change(login, users, visit):
    client = login(users["agent_td"])
    url = reverse("frontdesk:visit_correct", args=[visit.pk])
    response = client.post(url, _form(visit, outcome="oriented", reason=" "))
    assert response.status_code == 422 and "Give the reason." in response.text
    response = client.post(url, _form(visit))
    assert response.status_code == 422
    assert "Nothing to correct: the visit is the same." in response.text
    assert Visit.objects.count() == 1


def test_an_earlier_version_cannot_be_corrected_again(login, users, visit):
    visit_correct(visit=visit, by=users["agent_td"], data={"outcome": "case"}, reason="Dossier")
    with pytest.raises(StaleEdit):
        visit_correct(visit=visit, by=users["agent_td"], data={"outcome": "oriented"}, reason="x")
    client = login(users["agent_td"])
    url = reverse("frontdesk:visit_correct", args=[visit.pk])
    response = client.post(url, _form(visit, outcome="oriented"))
    current = Visit.objects.current().get()
    assert response["Location"] == reverse("frontdesk:visit_correct", args=[current.pk])
    assert current.outcome == "case" and Visit.objects.count() == 2
    assert client.get(url)["Location"] == response["Location"]


def test_an_anonymous_visit_is_corrected_from_the_day_page(login, users, world):
    anonymous = _record(None, users["agent_td"], site=world["sites"]["td"])
    client = login(users["agent_td"])
    day = client.get(reverse("frontdesk:day")).text
    url = reverse("frontdesk:visit_correct", args=[anonymous.pk])
    assert f'href="{url}"' in day and "women: 1" in day
    response = client.post(url, _form(anonymous, anonymous_sex="male"))
    assert response["Location"] == reverse("frontdesk:day")
    day = client.get(reverse("frontdesk:day")).text
    assert "1 visit today" in day and "women: 0" in day


# Voiding


def test_a_voided_visit_no_longer_counts_but_stays_in_the_history(login, users, visit):
    before = _frozen(visit)
    client = login(users["manager_td"])
    response = client.post(
        reverse("frontdesk:visit_void", args=[visit.pk]), {"reason": "Saisie en double."}
    )
    assert response.status_code == 302
    void = Visit.objects.get(supersedes=visit)
    assert void.voided_at and void.voided_by == users["manager_td"]
    assert void.change_reason == "Saisie en double."
    assert _frozen(visit) == before
    assert not Visit.objects.current().exists()
    day = client.get(reverse("frontdesk:day")).text
    assert "0 visits today" in day
    page = client.get(reverse("frontdesk:person", args=[visit.person_id])).text
    assert "No visit yet." in page
    assert "1 voided visit" in page and "Saisie en double." in page


def test_voiding_needs_a_reason(login, users, visit):
    response = login(users["agent_td"]).post(reverse("frontdesk:visit_void", args=[visit.pk]))
    assert response.status_code == 422 and "Give the reason." in response.text
    assert Visit.objects.count() == 1


# Who


def test_only_the_author_and_the_sites_manager_see_the_buttons(login, users, visit, agent_td_b):
    person_page = reverse("frontdesk:person", args=[visit.person_id])
    correct = reverse("frontdesk:visit_correct", args=[visit.pk])
    for user in (users["agent_td"], users["manager_td"]):
        assert f'href="{correct}"' in login(user).get(person_page).text
    for user in (agent_td_b, users["coordinator_td"]):
        assert f'href="{correct}"' not in login(user).get(person_page).text


def test_another_agent_of_the_site_is_refused(login, users, visit, agent_td_b):
    client = login(agent_td_b)
    assert client.get(reverse("frontdesk:visit_correct", args=[visit.pk])).status_code == 403
    response = client.post(reverse("frontdesk:visit_void", args=[visit.pk]), {"reason": "x"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        visit_void(visit=visit, by=agent_td_b, reason="Pas à moi")
    assert Visit.objects.count() == 1


def test_staff_of_another_site_do_not_find_the_visit(login, users, visit):
    client = login(users["agent_mz"])
    assert client.get(reverse("frontdesk:visit_void", args=[visit.pk])).status_code == 404


# The API


@pytest.fixture
def api(client):
    def call(user, path, body):
        token, _row = api_token_issue(user=user)
        return client.post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    return call


def test_the_api_corrects_then_voids_a_visit(api, client, users, visit):
    agent = users["agent_td"]
    response = api(agent, f"/visits/{visit.pk}/correct", {"reason": "Thème", "themes": ["rights"]})
    assert response.status_code == 201, response.content
    corrected = response.json()
    assert corrected["supersedes"] == str(visit.pk) and corrected["themes"] == ["rights"]
    assert corrected["notes"] == visit.notes and corrected["change_reason"] == "Thème"
    token, _row = api_token_issue(user=agent)
    listed = client.get("/api/v1/visits", HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"]
    assert [v["id"] for v in listed] == [corrected["id"]]
    assert api(agent, f"/visits/{visit.pk}/void", {"reason": "x"}).status_code == 409
    response = api(agent, f"/visits/{corrected['id']}/void", {"reason": "Doublon"})
    assert response.status_code == 201 and response.json()["voided_at"]
    listed = client.get("/api/v1/visits", HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"]
    assert listed == []


def test_the_api_refuses_without_reason_and_for_others(api, users, visit, agent_td_b):
    response = api(users["agent_td"], f"/visits/{visit.pk}/void", {"reason": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]
    assert api(agent_td_b, f"/visits/{visit.pk}/void", {"reason": "x"}).status_code == 403
    assert (
        api(users["coordinator_td"], f"/visits/{visit.pk}/void", {"reason": "x"}).status_code == 403
    )
    assert api(users["agent_mz"], f"/visits/{visit.pk}/void", {"reason": "x"}).status_code == 404
    response = api(
        users["agent_td"], f"/visits/{visit.pk}/correct", {"reason": "x", "outcome": "?"}
    )
    assert response.status_code == 422
    assert Visit.objects.count() == 1


# What links to a visit, the export and the erasure


def test_a_case_opened_from_an_earlier_version_links_the_current_one(login, users, visit):
    new = visit_correct(
        visit=visit, by=users["agent_td"], data={"outcome": "case"}, reason="Dossier"
    )
    page = login(users["agent_td"]).get(reverse("cases:new"), {"visit": visit.pk})
    assert page.status_code == 200 and page.context["visit"] == new
    visit_void(visit=new, by=users["agent_td"], reason="Doublon")
    assert (
        login(users["agent_td"]).get(reverse("cases:new"), {"visit": visit.pk}).status_code == 404
    )


def test_the_export_shows_every_version_marked(users, visit):
    from orienta.people.rights import person_export_data

    new = visit_correct(
        visit=visit, by=users["agent_td"], data={"outcome": "case"}, reason="Dossier"
    )
    void = visit_void(visit=new, by=users["manager_td"], reason="Doublon")
    rows = person_export_data(visit.person)["visits"]
    marks = {row["id"]: (row["version"], row["supersedes"], row["change_reason"]) for row in rows}
    assert marks == {
        str(visit.pk): ("superseded", None, ""),
        str(new.pk): ("superseded", str(visit.pk), "Dossier"),
        str(void.pk): ("voided", str(new.pk), "Doublon"),
    }


def test_the_erasure_empties_the_notes_of_every_version(users, visit):
    from orienta.people.rights import person_erase

    new = visit_correct(
        visit=visit,
        by=users["agent_td"],
        data={"notes": "Achta Mahamat cherche un médecin."},
        reason="Achta a précisé sa demande.",
    )
    person_erase(person=visit.person, by=users["coordinator_td"], reason="Demande de la personne")
    for version in (visit, new):
        version.refresh_from_db()
        assert (version.notes, version.change_reason) == ("", "")
    assert Visit.objects.current().get() == new  # still counted once


def test_a_correction_that_changes_nothing_is_refused_by_the_service(users, visit):
    with pytest.raises(ValidationError):
        visit_correct(visit=visit, by=users["agent_td"], data={"outcome": "informed"}, reason="x")


# A long history


def test_the_person_page_shows_the_latest_visits_and_all_on_demand(login, users, persons):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orienta.frontdesk.queries import PERSON_VISITS_SHOWN

    person, agent = persons["person_td"], users["agent_td"]
    oldest = _record(person, agent, minutes=600, notes="La toute première visite.")
    corrected = visit_correct(
        visit=_record(person, agent, minutes=10, notes="Avant correction."),
        by=agent,
        data={"notes": "Après correction."},
        reason="Note incomplète.",
    )
    voided = _record(person, agent, minutes=20, notes="Saisie en double.")
    visit_void(visit=voided, by=agent, reason="Doublon.")
    for n in range(PERSON_VISITS_SHOWN + 2):
        _record(person, agent, minutes=100 + n, notes=f"Visite {n}.")
    client = login(agent)
    url = reverse("frontdesk:person", args=[person.pk])
    with CaptureQueriesContext(connection) as short:
        page = client.get(url).text
    # The newest twenty: the correction (with its earlier version) and the voided one are in.
    assert "Après correction." in page and "Avant correction." in page
    assert "Saisie en double." in page and "La toute première visite." not in page
    assert "See all 25 visits" in page
    whole = client.get(url + "?visits=all").text
    assert "La toute première visite." in whole and "See all" not in whole
    assert whole.count("Visite ") == PERSON_VISITS_SHOWN + 2
    assert oldest.pk and corrected.supersedes_id
    for n in range(30):
        _record(person, agent, minutes=200 + n)
    with CaptureQueriesContext(connection) as long:
        client.get(url)
    assert len(long.captured_queries) == len(short.captured_queries)

"""Who looked at a person: the log for coordinators and M&E, the printable account for the
person, and who may open them."""

import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.audit.services import access_log_record
from orienta.people.services import person_merge, person_register


@pytest.fixture
def looked_at(login, users, persons):
    """agent_td opened person_td's page twice, manager_td once, and agent_mz was refused."""
    person = persons["person_td"]
    for user in ("agent_td", "agent_td", "manager_td"):
        assert (
            login(users[user]).get(reverse("frontdesk:person", args=[person.pk])).status_code == 200
        )
    assert (
        login(users["agent_mz"]).get(reverse("frontdesk:person", args=[person.pk])).status_code
        == 404
    )
    return person


def _log_url(person):
    return reverse("people:access_log", args=[person.pk])


def _account_url(person):
    return reverse("people:access_account", args=[person.pk])


def test_a_coordinator_sees_who_looked_at_a_person_of_their_country(login, users, looked_at):
    page = login(users["coordinator_td"]).get(_log_url(looked_at))
    assert page.status_code == 200
    text = page.text
    assert "Achta Mahamat" in text and looked_at.code in text
    assert text.count("agent_td") == 2 and text.count("manager_td") == 1
    assert "agent_mz" in text and "(404)" in text
    assert "127.0.0.1" in text


def test_me_sees_the_log_and_the_code_but_not_the_person(login, users, looked_at):
    client = login(users["me_hq"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(_log_url(looked_at))
    assert page.status_code == 200
    assert looked_at.code in page.text and "Agent" in page.text and "TD-NDJ1" in page.text
    birth = ("04/05/1990", "05/04/1990", "1990-05-04", "mai 1990", "May 1990")
    for personal in ("Achta", "Mahamat", "66 12 34 56", *birth):
        assert personal not in page.text  # (the year alone can appear in a timestamp)
    assert not any("given_name" in q["sql"] for q in queries.captured_queries)  # not even read


def test_me_reads_roles_codes_and_dates_never_what_staff_typed(login, users, persons):
    """Break-the-glass and export reasons, search texts, usernames and addresses are for the
    coordinator; M&E sees who by role and site, when, and what was done."""
    person = persons["person_td"]
    reason = "break the glass: Achta Mahamat a appelé, son mari la menace"
    access_log_record(
        actor=users["coordinator_td"],
        action="read",
        channel="page",
        object_type="case",
        person_id=person.pk,
        site_id=person.site_id,
        query=reason,
    )
    access_log_record(
        actor=users["manager_td"],
        action="export",
        channel="page",
        object_type="person",
        person_id=person.pk,
        site_id=person.site_id,
        query="Demande du tribunal pour Achta",
    )
    access_log_record(
        actor=users["agent_td"],
        action="search",
        channel="api",
        person_id=person.pk,
        site_id=person.site_id,
        query="q=Mahamat Achta",
        results=1,
    )
    users["me_hq"].language = "en"
    users["me_hq"].save(update_fields=["language"])
    me = login(users["me_hq"]).get(_log_url(person)).text
    for hidden in ("Achta", "Mahamat", "mari", "tribunal", "break the glass"):
        assert hidden not in me, hidden
    for username in ("coordinator_td", "manager_td", "agent_td"):
        assert username not in me, username
    assert "127.0.0.1" not in me
    for shown in ("Country coordinator", "Site manager", "Agent", "TD-NDJ1", "Export", "Search"):
        assert shown in me, shown
    coordinator = login(users["coordinator_td"]).get(_log_url(person)).text
    assert reason in coordinator and "Demande du tribunal pour Achta" in coordinator
    assert "q=Mahamat Achta" in coordinator and "manager_td" in coordinator
    account = login(users["me_hq"]).get(_account_url(person)).text
    for hidden in ("Achta", "Mahamat", "tribunal", "coordinator_td", "agent_td"):
        assert hidden not in account, hidden


def test_me_reads_the_log_of_any_country(login, users, persons):
    client = login(users["me_hq"])
    assert client.get(_log_url(persons["person_mz"])).status_code == 200
    assert client.get(_account_url(persons["person_mz"])).status_code == 200


@pytest.mark.parametrize(
    "role", ["agent_td", "manager_td", "agent_mz", "admin_user", "provider_user"]
)
def test_other_roles_are_refused_both_pages(login, users, persons, role):
    client = login(users[role])
    assert client.get(_log_url(persons["person_td"])).status_code == 403
    assert client.get(_account_url(persons["person_td"])).status_code == 403


def test_a_coordinator_of_another_country_gets_a_404(login, users, persons):
    client = login(users["coordinator_mz"])
    assert client.get(_log_url(persons["person_td"])).status_code == 404
    assert client.get(_account_url(persons["person_td"])).status_code == 404
    refused = AccessLogEntry.objects.filter(action="refused", actor=users["coordinator_mz"])
    assert refused.count() == 2


def test_opening_the_log_and_the_account_is_itself_logged(login, users, looked_at):
    client = login(users["coordinator_td"])
    client.get(_log_url(looked_at))
    client.get(_account_url(looked_at))
    own = AccessLogEntry.objects.filter(actor=users["coordinator_td"], person=looked_at.pk)
    assert list(own.order_by("seq").values_list("action", "object_type", "channel")) == [
        ("read", "access_log", "page"),
        ("print", "access_account", "print"),
    ]


def test_the_log_is_paginated_newest_first(login, users, persons):
    person = persons["person_td"]
    for i in range(60):
        access_log_record(
            actor=users["agent_td"],
            action="read",
            channel="api",
            person_id=person.pk,
            object_type="person",
            query=f"marker-{i:02d}",
        )
    client = login(users["coordinator_td"])
    first = client.get(_log_url(person)).text
    assert "marker-59" in first and "marker-00" not in first
    assert "marker-00" in client.get(_log_url(person), {"page": 2}).text


def test_the_log_of_a_merged_record_leads_to_the_record_kept(login, users, persons):
    manager, kept = users["manager_td"], persons["person_td"]
    data = {"given_name": "Achta", "family_name": "Mahamat", "sex": "female", "documents": []}
    duplicate = person_register(
        site=kept.site, by=manager, data=data | {"migration_status": "national"}
    )
    login(users["agent_td"]).get(reverse("frontdesk:person", args=[duplicate.pk]))
    person_merge(survivor=kept, merged=duplicate, by=manager)
    client = login(users["coordinator_td"])
    response = client.get(_log_url(duplicate))
    assert response.status_code == 302 and response["Location"] == _log_url(kept)
    assert "agent_td" in client.get(_log_url(kept)).text  # the read of the merged record


def test_the_account_names_roles_and_offices_never_usernames(
    login, users, looked_at, compiled_catalogues
):
    text = login(users["coordinator_td"]).get(_account_url(looked_at), {"lang": "en"}).text
    assert '<html lang="en">' in text
    assert "Who has looked at your record" in text
    assert "Agent at BIOSP Chagoua (Association Tchad Solidarité)" in text
    assert "Site manager at BIOSP Chagoua" in text
    assert "Looked at your record (2 times)" in text
    assert "Country coordinator for Chad" in text  # preparing this account
    assert "Achta Mahamat" in text and looked_at.code in text
    for username in ("agent_td", "manager_td", "coordinator_td", "agent_mz"):
        assert username not in text
    assert "127.0.0.1" not in text
    assert "Refused" not in text  # agent_mz saw nothing


def test_the_account_is_grouped_by_month(login, users, persons, monkeypatch, compiled_catalogues):
    person = persons["person_td"]
    for day in ("2026-01-05", "2026-01-05", "2026-01-20", "2026-03-02"):
        moment = datetime.fromisoformat(f"{day}T09:30:00+01:00")
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        access_log_record(
            actor=users["agent_td"],
            action="read",
            channel="page",
            object_type="person",
            person_id=person.pk,
            site_id=person.site_id,
        )
    monkeypatch.undo()
    text = login(users["coordinator_td"]).get(_account_url(person), {"lang": "en"}).text
    months = re.findall(r"<h2>([^<]+)</h2>", text)
    assert months[:2] == ["January 2026", "March 2026"]
    january = text[text.index("January 2026") : text.index("March 2026")]
    assert "Jan. 5, 2026" in january and "(2 times)" in january
    assert "Jan. 20, 2026" in january


def test_the_account_is_in_the_persons_language_or_the_one_chosen(
    login, users, looked_at, compiled_catalogues
):
    client = login(users["coordinator_td"])
    default = client.get(_account_url(looked_at))
    assert '<html lang="fr">' in default.text and default["Content-Language"] == "fr"
    assert "Qui a consulté votre dossier" in default.text
    portuguese = client.get(_account_url(looked_at), {"lang": "pt"}).text
    assert '<html lang="pt">' in portuguese and "Quem consultou o seu registo" in portuguese
    assert "Qui a consulté" not in portuguese
    assert '<html lang="fr">' in client.get(_account_url(looked_at), {"lang": "xx"}).text


def test_the_account_for_me_has_no_name(login, users, looked_at):
    text = login(users["me_hq"]).get(_account_url(looked_at)).text
    assert looked_at.code in text and "Achta" not in text and "Mahamat" not in text


def test_the_access_log_is_not_in_the_admin(login, users):
    assert login(users["admin_user"]).get("/admin/audit/accesslogentry/").status_code == 404

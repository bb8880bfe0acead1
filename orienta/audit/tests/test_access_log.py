"""The access log: one unbroken chain, append-only, and an entry for every read, search, sign-in
and refusal of personal data, from pages and API alike."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orienta.audit.models import GENESIS, AccessLogEntry, AppendOnly
from orienta.audit.queries import access_log_verify
from orienta.audit.services import access_log_export, access_log_record
from orienta.conftest import PASSWORD
from orienta.core.models import Country, Theme
from orienta.core.services import api_token_issue
from orienta.frontdesk.services import visit_record
from orienta.people.services import household_create


def _entries(**filters):
    return list(AccessLogEntry.objects.filter(**filters).order_by("seq"))


def _only(**filters) -> AccessLogEntry:
    found = _entries(**filters)
    assert len(found) == 1, found
    return found[0]


def _api(user):
    token, _row = api_token_issue(user=user)
    return Client(headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR="10.0.0.7")


# The chain


def test_entries_form_one_unbroken_chain(users, persons):
    actions = ["read", "search", "export", "print", "refused"]
    for i in range(120):
        access_log_record(
            actor=users["agent_td"],
            action=actions[i % len(actions)],
            channel="page",
            object_type="person",
            person_id=persons["person_td"].pk,
            query=f"query {i} — é ü ñ",
        )
    entries = _entries()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == after.compute_hash() != before.hash
    check = access_log_verify()
    assert check.intact and check.entries == len(entries) >= 120


def test_an_entry_is_never_changed_nor_removed(users):
    entry = access_log_record(actor=users["agent_td"], action="read", channel="page")
    entry.query = "changed"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.filter(pk=entry.pk).update(query="changed")
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        AccessLogEntry(action="read", channel="page", seq=entry.seq + 1).save()  # off the chain
    assert AccessLogEntry.objects.get(pk=entry.pk).query == ""


@pytest.fixture
def countries(transactional_db):
    """The countries `migrate` seeds, back if another transactional test flushed them."""
    import importlib

    from django.apps import apps

    if not Country.objects.exists():
        importlib.import_module("orienta.core.migrations.0002_seed_countries").seed(apps, None)


@pytest.mark.skipif(
    "sqlite" in connection.settings_dict["ENGINE"],
    reason="SQLite runs one writer at a time; concurrent writers need PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(countries, world, users):
    from django.db import connections

    agent, errors = users["agent_td"], []
    barrier = threading.Barrier(8)

    def write(n):
        try:
            barrier.wait()
            for i in range(25):
                access_log_record(actor=agent, action="read", channel="api", query=f"{n}-{i}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(AccessLogEntry.objects.values_list("seq", flat=True)) == list(range(1, 201))
    assert access_log_verify().intact


def test_the_address_is_remote_addr_unless_proxies_are_trusted(client, users, settings):
    client.force_login(users["agent_td"])
    headers = {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.9"}
    client.get(reverse("people:search"), {"q": "x"}, **headers)
    assert _entries(action="search")[-1].ip == "10.1.2.3"
    settings.ACCESS_LOG_PROXY_COUNT = 1
    client.get(reverse("people:search"), {"q": "y"}, **headers)
    assert _entries(action="search")[-1].ip == "192.0.2.9"


def test_long_or_odd_text_is_bounded_and_kept(users):
    entry = access_log_record(
        actor=users["agent_td"], action="search", channel="api", query="a\x00b" + "c" * 900
    )
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert stored.query == ("ab" + "c" * 900)[:500]
    assert access_log_verify().intact


# Reads of a person, on pages


def test_the_person_page_logs_a_read(client, users, persons):
    person, agent = persons["person_td"], users["agent_td"]
    client.force_login(agent)
    response = client.get(
        reverse("frontdesk:person", args=[person.pk]),
        REMOTE_ADDR="10.9.8.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 8) " + "x" * 400,
    )
    assert response.status_code == 200
    entry = _only(action="read", person=person.pk)
    assert entry.actor == agent and entry.username == "agent_td" and entry.role == "agent"
    assert (entry.object_type, entry.object_id, entry.site_id) == (
        "person",
        person.pk,
        person.site_id,
    )
    assert entry.channel == "page" and entry.path == f"/people/{person.pk}/"
    assert entry.ip == "10.9.8.7"
    assert entry.user_agent.startswith("Mozilla/5.0 (Linux; Android 8)")
    assert len(entry.user_agent) == 200


def test_the_search_page_logs_the_text_and_the_number_found_not_who(client, users, persons):
    client.force_login(users["coordinator_td"])
    response = client.get(reverse("people:search"), {"q": "Mahamat"})
    assert "Achta" in response.text
    entry = _only(action="search")
    assert (entry.query, entry.results, entry.object_type) == ("Mahamat", 1, "person")
    assert entry.person is None and entry.actor == users["coordinator_td"]


def test_the_household_edit_and_merge_pages_log_reads(client, users, persons):
    person, manager = persons["person_td"], users["manager_td"]
    household = household_create(head=person, by=manager)
    client.force_login(manager)
    for name in ("people:household", "people:edit", "people:merge"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 200
    reads = _entries(action="read", person=person.pk, actor=manager)
    assert [(e.object_type, e.object_id) for e in reads] == [
        ("household", household.pk),
        ("person", person.pk),
        ("person", person.pk),
    ]


def test_the_visit_form_of_a_person_logs_a_read(client, users, persons):
    person = persons["person_td"]
    client.force_login(users["agent_td"])
    assert client.get(reverse("frontdesk:visit_new"), {"person": person.pk}).status_code == 200
    assert _only(action="read", person=person.pk).path == "/visits/new/"


def test_look_alikes_shown_at_registration_are_logged_as_a_search(client, users, persons):
    client.force_login(users["agent_td"])
    response = client.post(
        reverse("people:register"),
        {
            "site": "TD-NDJ1",
            "given_name": "Achta",
            "family_name": "Mahamat",
            "sex": "female",
            "birth_date": "1990-05-04",
            "migration_status": "national",
            "consent_processing": "not_asked",
        },
    )
    assert persons["person_td"].code in response.text
    entry = _only(action="search")
    assert entry.query == "Achta Mahamat 1990-05-04" and entry.results >= 1


def test_an_export_is_logged_with_its_reason(rf, users, persons):
    request = rf.post("/people/x/export/", REMOTE_ADDR="10.4.4.4")
    request.user = users["coordinator_td"]
    access_log_export(request, persons["person_td"], reason="Request of the person, 12 May")
    entry = _only(action="export")
    assert (entry.channel, entry.person, entry.query, entry.actor) == (
        "export",
        persons["person_td"].pk,
        "Request of the person, 12 May",
        users["coordinator_td"],
    )


# Reads through the API


def test_the_api_logs_a_read_of_a_person_and_a_change_as_a_read(users, persons):
    person, agent = persons["person_td"], users["agent_td"]
    api = _api(agent)
    assert api.get(f"/api/v1/persons/{person.pk}").status_code == 200
    body = {"version": person.version, "occupation": "Tailor"}
    patched = api.patch(f"/api/v1/persons/{person.pk}", body, content_type="application/json")
    assert patched.status_code == 200
    reads = _entries(action="read", person=person.pk)
    assert [(e.channel, e.path, e.actor) for e in reads] == [
        ("api", f"/api/v1/persons/{person.pk}", agent),
        ("api", f"/api/v1/persons/{person.pk}", agent),
    ]
    assert reads[0].ip == "10.0.0.7"


def test_the_api_logs_searches_with_their_text_and_count(users, persons):
    api = _api(users["agent_td"])
    assert api.get("/api/v1/persons", {"q": "achta"}).json()["count"] == 1
    match = {"given_name": "Acta", "family_name": "Mahamat", "phone": "66123456"}
    assert api.post("/api/v1/persons/match", match, content_type="application/json").json()
    searches = _entries(action="search")
    assert [(e.query, e.results, e.channel) for e in searches] == [
        ("achta", 1, "api"),
        ("Acta Mahamat 66123456", 1, "api"),
    ]


def test_the_visit_list_logs_its_filters_and_the_person_named(users, persons):
    person, agent = persons["person_td"], users["agent_td"]
    theme = Theme.objects.first()
    visit_record(
        site=person.site,
        by=agent,
        person=person,
        data={
            "themes": [theme],
            "channel": "walk_in",
            "outcome": "informed",
            "occurred_at": timezone.now(),
        },
    )
    api = _api(agent)
    assert api.get("/api/v1/visits", {"person": str(person.pk)}).json()["count"] == 1
    assert api.get("/api/v1/visits").status_code == 200
    by_person, everything = _entries(action="search", object_type="visit")
    assert (by_person.query, by_person.results, by_person.person) == (
        f"person={person.pk}",
        1,
        person.pk,
    )
    assert (everything.query, everything.person) == ("", None)


# Refusals


def test_out_of_scope_reads_are_logged_as_refused(client, users, persons):
    other = persons["person_mz"]
    client.force_login(users["agent_td"])
    assert client.get(reverse("frontdesk:person", args=[other.pk])).status_code == 404
    entry = _only(action="refused")
    assert (entry.status, entry.person, entry.object_type) == (404, other.pk, "person")
    assert entry.actor == users["agent_td"] and entry.channel == "page"
    assert not _entries(action="read")


def test_a_role_refused_is_logged_and_so_is_an_api_refusal(client, users, persons):
    client.force_login(users["me_hq"])
    assert client.get(reverse("people:search"), {"q": "Achta"}).status_code == 403
    page = _only(action="refused")
    assert (page.status, page.actor, page.query) == (403, users["me_hq"], "q=Achta")
    api = _api(users["agent_mz"])
    assert api.get(f"/api/v1/persons/{persons['person_td'].pk}").status_code == 404
    refused = _entries(action="refused")[-1]
    assert (refused.channel, refused.status, refused.person) == (
        "api",
        404,
        persons["person_td"].pk,
    )


def test_strangers_are_sent_to_sign_in_without_a_refusal(client, persons):
    response = client.get(reverse("frontdesk:person", args=[persons["person_td"].pk]))
    assert response.status_code == 302
    assert not _entries(action="refused")
    assert Client().get(f"/api/v1/persons/{persons['person_td'].pk}").status_code == 401
    assert not _entries(action="refused")


# Signing in and out


def test_sign_in_failed_sign_in_and_sign_out_are_logged(client, users):
    bad = client.post(
        reverse("accounts:login"),
        {"username": "agent_td", "password": "wrong"},
        REMOTE_ADDR="10.3.3.3",
    )
    assert bad.status_code == 200
    failed = _only(action="login_failed")
    assert (failed.username, failed.actor, failed.ip) == ("agent_td", None, "10.3.3.3")
    good = client.post(reverse("accounts:login"), {"username": "agent_td", "password": PASSWORD})
    assert good.status_code == 302
    assert _only(action="login").actor == users["agent_td"]
    client.post(reverse("accounts:logout"))
    assert _only(action="logout").actor == users["agent_td"]
    assert access_log_verify().intact


def test_the_test_clients_login_is_logged_too(client, users):
    assert client.login(username="manager_td", password=PASSWORD)
    assert _only(action="login").username == "manager_td"


def test_api_token_requests_are_logged_as_sign_ins(users):
    client = Client()
    for password in ("wrong", PASSWORD):
        client.post(
            "/api/v1/auth/token",
            {"username": "agent_td", "password": password},
            content_type="application/json",
        )
    failed, signed_in = _only(action="login_failed"), _only(action="login")
    assert (failed.channel, failed.username, failed.actor) == ("api", "agent_td", None)
    assert (signed_in.channel, signed_in.actor) == ("api", users["agent_td"])

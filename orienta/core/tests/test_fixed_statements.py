"""The statements every request asks, written once (orienta/lib/fixed.py), read what the ORM
reads: the same rows, as instances of the same values and types, their joined rows cached."""

from datetime import timedelta
from uuid import UUID

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orienta.accounts.session_store import SessionStore
from orienta.cases.models import CaseAccessGrant, granted_case_ids
from orienta.cases.services import case_open
from orienta.core.services import api_token_issue, api_token_user
from orienta.lib import fixed

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_users_sites_are_the_orms_in_code_order_with_their_country(world, users):
    agent = users["agent_td"]
    agent.sites.add(world["sites"]["mz"])
    expected = list(agent.sites.select_related("country").order_by("code"))
    assert [s.code for s in expected] == ["MZ-MPM1", "TD-NDJ1"]
    agent = type(agent).objects.get(pk=agent.pk)  # a fresh user object, as a request has
    with CaptureQueriesContext(connection) as queries:
        found = agent.own_sites()
        countries = [site.country for site in found]
    assert len(queries) == 1, "the countries come with the sites"
    assert [_fields(s) for s in found] == [_fields(s) for s in expected]
    assert [_fields(c) for c in countries] == [_fields(s.country) for s in expected]
    assert isinstance(found[0].pk, UUID) and found[0].created_at.tzinfo is not None
    assert not found[0]._state.adding and found[0]._state.db == "default"


def test_a_user_without_sites_has_none(users):
    assert users["coordinator_td"].own_sites() == []


def test_a_relation_that_finds_nothing_is_cached_as_none(world, users):
    agent = users["agent_td"]  # no organisation; a country coordinator's country, not theirs
    assert agent.organisation_id is None and agent.country_id is None
    User = type(agent)
    select = fixed.Select(User, lambda q: f"WHERE t.{q('id')} = %s", joined=("organisation",))
    pk = User._meta.pk
    with CaptureQueriesContext(connection) as queries:
        (found,) = select.run(lambda db: [fixed.db_value(pk, agent.pk, db)])
        assert found.organisation is None
    assert len(queries) == 1
    provider = users["provider_user"]
    (found,) = select.run(lambda db: [fixed.db_value(pk, provider.pk, db)])
    assert _fields(found.organisation) == _fields(world["provider_org"])


def test_a_session_is_read_until_it_expires(login, users):
    client = login(users["agent_td"])
    key = client.session.session_key
    assert SessionStore(key).load() == Session.objects.get(session_key=key).get_decoded()
    assert "_auth_user_id" in SessionStore(key).load()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None, "an expired key is not kept"
    assert SessionStore("x" * 32).load() == {}


def test_an_api_token_finds_its_user_while_it_runs(users):
    agent = users["agent_td"]
    token, row = api_token_issue(user=agent)
    found = api_token_user(token)
    assert found == agent and _fields(found) == _fields(type(agent).objects.get(pk=agent.pk))
    assert api_token_user(token + "x") is None
    row.expires_at = timezone.now()
    row.save()
    assert api_token_user(token) is None
    row.expires_at, row.revoked_at = timezone.now() + timedelta(hours=1), timezone.now()
    row.save()
    assert api_token_user(token) is None
    row.revoked_at = None
    row.save()
    agent.is_active = False
    agent.save()
    assert api_token_user(token) is None


def test_the_running_grants_are_the_orms(world, users, persons):
    agent, manager = users["agent_td"], users["manager_td"]
    case = case_open(person=persons["person_td"], site=world["sites"]["td"], by=agent)
    now = timezone.now()
    for until in (now + timedelta(hours=1), now - timedelta(minutes=1)):
        CaseAccessGrant.objects.create(
            site=world["sites"]["td"], case=case, user=manager, reason="r", expires_at=until
        )
    expected = sorted(
        CaseAccessGrant.objects.filter(user=manager, expires_at__gt=now)
        .values_list("case_id", flat=True)
        .distinct()
    )
    fresh = type(manager).objects.get(pk=manager.pk)
    assert granted_case_ids(fresh) == expected == [case.pk]


def test_the_signed_in_user_is_the_orms_while_active(users):
    from orienta.accounts.backends import UserBackend

    agent = users["agent_td"]
    found = UserBackend().get_user(str(agent.pk))
    assert _fields(found) == _fields(type(agent).objects.get(pk=agent.pk))
    assert UserBackend().get_user("not-an-id") is None
    assert UserBackend().get_user(str(users["manager_td"].pk)).username == "manager_td"
    agent.is_active = False
    agent.save()
    assert UserBackend().get_user(str(agent.pk)) is None


def test_a_session_signed_in_by_djangos_backend_stays_signed_in(login, users):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client = login(users["agent_td"])
    assert client.session[BACKEND_SESSION_KEY] == "orienta.accounts.backends.UserBackend"
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get("/worklist/").status_code == 200
    client.cookies.clear()
    assert client.get("/worklist/").status_code == 302  # the test itself can fail

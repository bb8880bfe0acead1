"""Every cases route for every role, in and out of scope; sensitive cases; access logging."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.audit.models import AccessLogEntry
from orienta.cases.services import case_break_glass, case_followup_plan
from orienta.cases.tests import access
from orienta.cases.tests.factories import make_action, make_case
from orienta.conftest import force_login_verified
from orienta.core.services import api_token_issue
from orienta.core.tests.test_access_matrix import _walk
from orienta.testing import access as matrix


def test_every_cases_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("cases:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/cases")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def _objects(person, agent):
    from datetime import timedelta

    from django.utils import timezone

    case = make_case(person, agent)
    action = make_action(case, agent, days=1)
    followup = case_followup_plan(
        case=case, by=agent, kind="phone", due_on=timezone.localdate() + timedelta(days=2)
    )
    case.refresh_from_db()
    sensitive = make_case(person, agent, sensitive=True)
    return {
        "site": person.site,
        "person": person,
        "case": case,
        "action": action,
        "followup": followup,
        "sensitive": sensitive,
    }


@pytest.fixture
def scope(world, users, persons):
    return {
        "in": _objects(persons["person_td"], users["agent_td"]),
        "out": _objects(persons["person_mz"], users["agent_mz"]),
    }


def _check_logged(response, role, before, *, read_person=None, search=False):
    if role == "anonymous":
        return
    matrix.check_refusal_logged(response, role, before)
    entries = matrix.logged(role, before)
    if response.status_code == 200 and read_person is not None:
        assert entries.filter(action="read", person=read_person.pk).exists(), "read not logged"
    if response.status_code == 200 and search:
        assert entries.filter(action="search").exists(), "search not logged"


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expected(kind, role, target))
        logged_read = name in access.LOGGED_READS or name == "cases:new"
        _check_logged(
            response,
            role,
            before,
            read_person=scope[target]["person"] if logged_read and method == "get" else None,
            search=name in access.LOGGED_SEARCHES,
        )
        if name == "cases:list" and response.status_code == 200:
            for where in ("in", "out"):
                listed = f"<strong>{scope[where]['case'].code}</strong>" in response.text
                assert listed == (role in access.READERS[where]), f"{where} case listed: {listed}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        logged = access.API_LOGGED.get(route)
        if kind == "list":
            matrix.check_status(response, "login" if role == "anonymous" else "ok", api=True)
            if response.status_code == 200:
                ids = {item["id"] for item in response.json()["items"]}
                for where in ("in", "out"):
                    seen = str(scope[where]["case"].pk) in ids
                    assert seen == (role in access.READERS[where]), f"{where} case listed: {seen}"
                    hidden = str(scope[where]["sensitive"].pk) in ids
                    assert hidden == (role in access.RECORDERS[where]), f"{where} sensitive listed"
        elif kind == "break_glass":
            matrix.check_status(response, access.expected_break_glass(role, target), api=True)
        else:
            matrix.check_status(response, access.expected(kind, role, target, api=True), api=True)
        _check_logged(
            response,
            role,
            before,
            read_person=scope[target]["person"] if logged == "read" else None,
            search=logged == "search",
        )

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)


def _reads(client, user, case):
    force_login_verified(client, user)
    page = client.get(f"/cases/{case.pk}/").status_code
    token, _row = api_token_issue(user=user)
    api_read = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert page == api_read.status_code, (page, api_read.status_code)
    return page


@pytest.mark.parametrize("role", sorted(access.SENSITIVE))
def test_sensitive_case_access(client, users, scope, role):
    """Before and after breaking the glass (where the role may), page and API agree."""
    case = scope["in"]["sensitive"]
    before, after = access.SENSITIVE[role]
    assert _reads(client, users[role], case) == before
    if before != after:
        case_break_glass(case=case, by=users[role], reason="Urgence : la personne attend ici.")
    assert _reads(client, users[role], case) == after


def test_sensitive_case_and_another_agent_of_the_site(client, scope, agent_td_b):
    case = scope["in"]["sensitive"]
    assert _reads(client, agent_td_b, case) == 404
    refused = AccessLogEntry.objects.filter(username="agent_td_b", action="refused", status=404)
    assert refused.filter(object_id=case.pk).count() == 2  # the page and the API
    case_break_glass(
        case=case, by=agent_td_b, reason="Je reçois la personne en l'absence de l'agent."
    )
    assert _reads(client, agent_td_b, case) == 200

"""Every community work route for every role, in and out of scope; nothing leaks across
countries, and M&E reads counts but never a name."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.tests.test_access_matrix import _walk
from orienta.outreach.services import participant_add, session_attendee_add
from orienta.outreach.tests import access
from orienta.outreach.tests.factories import make_fair, make_session, make_training
from orienta.testing import access as matrix


def test_every_outreach_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("outreach:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/outreach")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def objects(site, agent, person=None):
    session = make_session(agent, site, title=f"Séance {site.code}")
    if person is not None:
        session_attendee_add(session=session, person=person, by=agent)
    training = make_training(agent, site)
    return {
        "site": site,
        "agent": agent,
        "session": session,
        "planned": make_session(agent, site, held=False, title=f"Prévue {site.code}"),
        "fair": make_fair(agent, site),
        "training": training,
        "participant": participant_add(training=training, user=agent, by=agent),
    }


@pytest.fixture
def scope(world, users, persons):
    return {
        "in": objects(world["sites"]["td"], users["agent_td"], persons["person_td"]),
        "out": objects(world["sites"]["mz"], users["agent_mz"], persons["person_mz"]),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name == "outreach:calendar" and response.status_code == 200:
            for where in ("in", "out"):
                listed = f"Séance {scope[where]['site'].code}" in response.text
                assert listed == (role in access.SEES[where]), f"{where} listed: {listed}"
        if name == "outreach:session" and response.status_code == 200:
            named = scope[target]["session"].attendees.get().family_name in response.text
            assert named == (role not in {"me_hq", "admin_user"}), f"named shown: {named}"
            logged = matrix.logged(role, before).filter(action="search").exists()
            assert logged == named, "the named attendees' list is not logged"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        if kind == "list":
            matrix.check_status(response, access.expect("reader", role, target), api=True)
            if response.status_code == 200:
                ids = {item["id"] for item in response.json()["items"]}
                name = route.rsplit("/", 1)[1][:-1]
                for where in ("in", "out"):
                    seen = str(scope[where][name].pk) in ids
                    assert seen == (role in access.SEES[where]), f"{where} listed: {seen}"
        else:
            matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        matrix.check_refusal_logged(response, role, before)

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

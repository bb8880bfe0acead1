"""Every families route for every role, in and out of scope; what the lists show; logging."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.tests.test_access_matrix import _walk
from orienta.families import services
from orienta.families.tests import access
from orienta.families.tests.factories import WORST, make_household, make_instrument
from orienta.testing import access as matrix


def test_every_families_route_is_in_the_matrix():
    pages = {n for n in _walk(get_resolver().url_patterns) if n.startswith("families:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/families")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def objects(person, agent, country, editor):
    """A household of the person's site, assessed, accompanied, with a goal."""
    instrument = make_instrument(country, editor)
    household = make_household(person, agent)
    services.assessment_record(household=household, instrument=instrument, answers=WORST, by=agent)
    enrolment = services.enrolment_open(
        household=household, by=agent, criteria="Catégorie très élevée", consent=True
    )
    goal = services.goal_add(enrolment=enrolment, dimension="food", text="Deux repas", by=agent)
    return {"household": household, "instrument": instrument, "goal": goal, "person": person}


@pytest.fixture
def scope(world, users, persons):
    return {
        "in": objects(persons["person_td"], users["agent_td"], world["td"], users["me_hq"]),
        "out": objects(persons["person_mz"], users["agent_mz"], world["mz"], users["me_hq"]),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name in access.LOGGED_READS and response.status_code == 200:
            person = scope[target]["person"]
            read = matrix.logged(role, before).filter(action="read", person=person.pk)
            assert read.exists(), "read not logged"
        if name == "families:list" and response.status_code == 200:
            for where in ("in", "out"):
                shown = scope[where]["household"].code in response.text
                assert shown == (role in access.WORKERS[where]), f"{where} listed: {shown}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        matrix.check_refusal_logged(response, role, before)
        if route == "GET /api/v1/families/assessments" and response.status_code == 200:
            codes = {item["household"] for item in response.json()["items"]}
            for where in ("in", "out"):
                seen = scope[where]["household"].code in codes
                assert seen == (role in access.WORKERS[where]), f"{where} listed: {seen}"

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

"""Every networks route for every role, in and out of scope: nothing leaks across countries, a
CSO's staff sees only the groups its organisation belongs to, a provider nothing."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.tests.test_access_matrix import _walk
from orienta.networks.services import member_add
from orienta.networks.tests import access
from orienta.networks.tests.factories import (
    make_action,
    make_document,
    make_group,
    make_meeting,
    make_study,
    make_support,
)
from orienta.testing import access as matrix


def test_every_networks_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("networks:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith(("/api/v1/networks", "/api/v1/resources", "/api/v1/diagnostics"))
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def objects(by, country, cso, area):
    group, member, contact = make_group(by, country, cso)
    study = make_study(by, country, area)
    meeting = make_meeting(by, group, [member, contact])
    spare_group, _member, _contact = make_group(by, country, cso, name=f"Réseau {country.code}")
    spare_member = member_add(group=group, organisation=None, name="Zara", sector="public", by=by)
    return {
        "country": country,
        "group": group,
        "member": contact,
        "spare_group": spare_group,
        "spare_member": spare_member,
        "spare_document": make_document(by, country, title=f"Modèle {country.code}"),
        "meeting": meeting,
        "action": make_action(by, group, lead=cso, meeting=meeting),
        "document": make_document(by, country, title=f"Guide {country.code}"),
        "support": make_support(by, country, [cso], topic=f"Formation {country.code}"),
        "study": study,
        "draft_study": make_study(by, country, area, university=study.partners.get(), data=False),
        "university": study.partners.get(),
        "cso": cso,
        "area": area,
    }


@pytest.fixture
def scope(world, users):
    return {
        "in": objects(users["coordinator_td"], world["td"], world["org_td"], world["area_td"]),
        "out": objects(users["coordinator_mz"], world["mz"], world["org_mz"], world["area_mz"]),
    }


LISTS = {
    "networks:resources": ("library", "Guide {code}"),
    "networks:gtps": ("gtps", "GTPS {code}"),
    "networks:diagnostics": ("diagnostics", "Diagnostic {code}"),
}


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name in LISTS and response.status_code == 200:
            area, label = LISTS[name]
            for where in ("in", "out"):
                shown = label.format(code=scope[where]["country"].code) in response.text
                assert shown == (role in access.SEES[area][where]), f"{where} listed: {shown}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


# The API's lists: which record of each scope each must hold, for those who see it.
LISTED = {
    "GET /api/v1/networks/groups": ("gtps", "group"),
    "GET /api/v1/networks/members": ("gtps", "member"),
    "GET /api/v1/networks/meetings": ("gtps", "meeting"),
    "GET /api/v1/networks/actions": ("gtps", "action"),
    "GET /api/v1/resources/documents": ("library", "document"),
    "GET /api/v1/resources/support": ("library", "support"),
    "GET /api/v1/diagnostics": ("diagnostics", "study"),
}


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        expected = access.expect(kind, role, target, api=True)
        # A removal answers 204 No Content.
        matrix.check_status(response, expected, api=True, ok=(*matrix.OK, 204))
        if route in LISTED and response.status_code == 200:
            area, name = LISTED[route]
            ids = {item["id"] for item in response.json()["items"]}
            for where in ("in", "out"):
                seen = str(scope[where][name].pk) in ids
                assert seen == (role in access.SEES[area][where]), f"{where} listed: {seen}"
        matrix.check_refusal_logged(response, role, before)

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

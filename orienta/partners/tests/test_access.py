"""Every partners route for every role, in and out of scope; what the lists show."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.tests.test_access_matrix import _walk
from orienta.partners.tests import access
from orienta.partners.tests.factories import make_records
from orienta.testing import access as matrix


def test_every_partners_route_is_in_the_matrix():
    pages = {n for n in _walk(get_resolver().url_patterns) if n.startswith("partners:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/partners")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


@pytest.fixture
def scope(world, users):
    return {
        "in": make_records(world["org_td"], users["coordinator_td"]),
        "out": make_records(world["org_mz"], users["coordinator_mz"]),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name == "partners:list" and response.status_code == 200:
            for where in ("in", "out"):
                shown = scope[where]["cso"].name in response.text
                assert shown == (role in access.READERS[where]), f"{where} listed: {shown}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        matrix.check_refusal_logged(response, role, before)
        listed = route.startswith("GET /api/v1/partners/") and "{" not in route
        if listed and response.status_code == 200:
            ids = {str(item.get("organisation", item["id"])) for item in response.json()["items"]}
            for where in ("in", "out"):
                seen = str(scope[where]["cso"].pk) in ids
                assert seen == (role in access.READERS[where]), f"{where} listed: {seen}"

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

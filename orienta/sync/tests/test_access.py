"""Every sync route for every role, in and out of scope."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.tests.test_access_matrix import _walk
from orienta.sync.models import Conflict
from orienta.sync.services import node_create
from orienta.sync.tests import access
from orienta.testing import access as matrix


def test_every_sync_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("sync:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/sync")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def objects(site, person, admin):
    node, _code = node_create(site=site, by=admin)
    conflict = Conflict.objects.create(
        site=site,
        node=node,
        change_id=person.pk,
        model="people.Person",
        record=str(person.pk),
        field="phone",
        server_value=person.phone,
        node_value="+000",
    )
    return {"site": site, "node": node, "conflict": conflict}


@pytest.fixture
def scope(world, users, persons):
    admin = users["admin_user"]
    return {
        "in": objects(world["sites"]["td"], persons["person_td"], admin),
        "out": objects(world["sites"]["mz"], persons["person_mz"], admin),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name == "sync:conflicts" and response.status_code == 200:
            for where in ("in", "out"):
                listed = f"/sync/conflicts/{scope[where]['conflict'].pk}/" in response.text
                assert listed == (role in access.RESOLVES[where]), f"{where} listed: {listed}"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

"""Every directory route, for every role, in and out of scope (see access.py)."""

import pytest

from orienta.conftest import force_login_verified
from orienta.directory.tests.access import API_ROUTES, NO_OBJECT, ROUTES, expect
from orienta.testing import access as matrix
from orienta.testing.access import ROLES

pytestmark = pytest.mark.django_db

# The directory answers no 201: every API route is a read.
OK = (200, 302, 409, 422)


@pytest.fixture
def scope(directory):
    return {
        "in": {"service": directory["health"], "site": directory["site_td"]},
        "out": {"service": directory["legal"], "site": directory["site_mz"]},
    }


def _refusal_logged(response, role, before):
    # The directory holds no personal data: its 404s are not refusals of personal data.
    matrix.check_refusal_logged(response, role, before, statuses=(403,))


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind = ROUTES[name][0]
        matrix.check_status(response, expect(kind, role, target), ok=OK)
        _refusal_logged(response, role, before)

    matrix.check_pages(client, users, role, scope, ROUTES, check, no_object=NO_OBJECT)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = API_ROUTES[route][0]
        matrix.check_status(response, expect(kind, role, target), api=True, ok=OK)
        if kind == "list" and response.status_code == 200 and "hsds/services" in route:
            _no_leak(response, role, scope)

    matrix.check_api(client, users, role, scope, API_ROUTES, check)


def _no_leak(response, role, scope):
    text = response.content.decode()
    for target in ("in", "out"):
        if expect("read", role, target) != "ok":
            assert str(scope[target]["service"].pk) not in text, f"{target} service listed"


def test_lists_show_only_the_scope(client, users, scope):
    force_login_verified(client, users["agent_td"])
    text = client.get("/directory/").content.decode()
    assert scope["in"]["service"].name in text
    assert scope["out"]["service"].name not in text
    force_login_verified(client, users["provider_user"])
    text = client.get("/directory/").content.decode()
    assert scope["in"]["service"].name in text
    assert "Déclaration de naissance tardive" not in text

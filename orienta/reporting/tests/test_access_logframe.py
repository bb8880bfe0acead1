"""Every logframe, download and DHIS2 route, for every role, in and out of scope; downloads
and refusals are in the access log."""

import pytest

from orienta.reporting.tests.access_logframe import API_ROUTES, EXPORTS, ROUTES, expect
from orienta.reporting.tests.logframe_fixtures import make_hand_value
from orienta.testing import access as matrix
from orienta.testing.access import ROLES


@pytest.fixture
def scope(world, users, logframe):
    hand = logframe["hand"]
    return {
        "in": {
            "site": world["sites"]["td"],
            "value": make_hand_value(hand, world["td"], users["coordinator_td"]),
        },
        "out": {
            "site": world["sites"]["mz"],
            "value": make_hand_value(hand, world["mz"], users["coordinator_mz"]),
        },
    }


def _logged(role, name, response, before):
    entries = matrix.logged(role, before)
    if response.status_code == 403:
        assert entries.filter(action="refused").exists(), "the refusal is not in the access log"
    if name in EXPORTS and response.status_code == 200:
        assert entries.filter(action="export", object_type="results").exists(), "not logged"


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        matrix.check_status(response, expect(ROUTES[name][0], role, target))
        if role != "anonymous":
            _logged(role, name, response, before)

    matrix.check_pages(client, users, role, scope, ROUTES, check)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        expected = expect(API_ROUTES[route][0], role, target, api=True)
        matrix.check_status(response, expected, api=True)
        if response.status_code == 200:
            assert matrix.logged(role, before).filter(action="export").exists()

    matrix.check_api(client, users, role, scope, API_ROUTES, check)

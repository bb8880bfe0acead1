"""Every referrals page and API route, for every role, against an in-scope referral (TD-NDJ1)
and an out-of-scope one (MZ-MPM1): the status, that allowed reads of personal data are in the
access log, and that refusals are too. Also random-id probing, counted."""

import random
import uuid

import pytest
from django.core.cache import cache

from orienta.referrals import services
from orienta.referrals.tests.access import API_ROUTES, ROUTES
from orienta.referrals.tests.factories import make_referral
from orienta.testing import access as matrix
from orienta.testing.access import ROLES

# Who sees the in-scope referral, and the out-of-scope one.
SEES = {
    "in": {"agent_td", "manager_td", "coordinator_td", "provider_user"},
    "out": {"agent_mz", "coordinator_mz"},
}
# Who records at the referral's site (send, cancel, print, outcomes).
RECORDS = {"in": {"agent_td", "manager_td"}, "out": {"agent_mz"}}
READERS = {"agent_td", "agent_td2", "manager_td", "coordinator_td", "agent_mz", "coordinator_mz"}
RECORDERS = {"agent_td", "agent_td2", "manager_td", "agent_mz"}
METRICS = {"manager_td", "coordinator_td", "coordinator_mz", "me_hq"}


def expect(kind: str, role: str, target: str, *, api: bool = False):
    """The answer expected: "ok" (200, 201, 302 elsewhere than the sign-in, 409 or 422),
    "login" (sign-in page, or 401 on the API) or a status code."""
    if role == "anonymous":
        return "ok" if kind == "link" else "login"
    if kind == "link":
        return "ok"
    if kind in ("list", "read_list"):
        return "ok" if api or role in READERS else 403
    if kind == "metrics":
        return "ok" if role in METRICS else 403
    if kind == "provider_list":
        return "ok" if role == "provider_user" else 403
    if kind == "send":  # the person must be in the sender's scope
        if role not in RECORDERS:
            return 403
        return "ok" if role in RECORDS[target] else 404
    return _api_expect(kind, role, target) if api else _page_expect(kind, role, target)


def _page_expect(kind, role, target):
    if role not in ({"provider_user"} if kind == "provider" else READERS):
        return 403
    if role not in SEES[target]:
        return 404
    if kind == "record" and role not in RECORDS[target]:
        return 403
    return "ok"


def _api_expect(kind, role, target):
    if role not in SEES[target]:
        return 404
    answers = RECORDS[target] | ({"provider_user"} if kind == "answer" else set())
    if kind in ("record", "answer") and role not in answers:
        return 403
    return "ok"


@pytest.fixture(autouse=True)
def _no_rate_limit_left():
    cache.clear()


@pytest.fixture
def scope(world, users, persons, svcs):
    objects = {}
    for target, person, service, agent in (
        ("in", persons["person_td"], svcs["td"], users["agent_td"]),
        ("out", persons["person_mz"], svcs["mz"], users["agent_mz"]),
    ):
        referral = make_referral(person, service, agent)
        link = services.link_for(referral=referral, by=agent)
        objects[target] = {"person": person, "referral": referral, "token": link.token}
    return objects


PERSONAL_READS = {"read", "record", "provider", "answer", "send", "link"}


def _check_logged(response, role, kind, method, objs, before):
    entries = matrix.logged_since(before)
    matrix.check_refusal_logged(response, role, before)
    if response.status_code == 200 and method == "get" and kind in PERSONAL_READS:
        read = entries.filter(person=objs["person"].pk).exclude(action="refused")
        assert read.exists(), "the read is not in the access log"
    if response.status_code == 200 and kind in ("list", "read_list", "provider_list"):
        assert entries.filter(action="search").exists(), "the list is not in the access log"


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, method, _build = ROUTES[name]
        matrix.check_status(response, expect(kind, role, target))
        _check_logged(response, role, kind, method, scope[target], before)
        if kind in ("read_list", "provider_list") and response.status_code == 200:
            _check_no_leak(response, role, target, scope[target])

    matrix.check_pages(client, users, role, scope, ROUTES, check)


def _check_no_leak(response, role, target, objs):
    visible = role in SEES[target]
    assert (objs["referral"].code in response.content.decode()) == visible, "list leak"


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = API_ROUTES[route][0]
        method = route.split()[0].lower()
        matrix.check_status(response, expect(kind, role, target, api=True), api=True)
        _check_logged(response, role, kind, method, scope[target], before)
        if kind == "list" and response.status_code == 200:
            _check_no_leak(response, role, target, scope[target])

    matrix.check_api(client, users, role, scope, API_ROUTES, check)


def test_a_token_for_one_referral_opens_nothing_else(client, scope):
    token = scope["in"]["token"]
    page = client.get(f"/r/{token}/").content.decode()
    assert scope["in"]["referral"].code in page
    assert scope["out"]["referral"].code not in page
    assert client.get(f"/r/{token}/../{scope['out']['token']}x/").status_code == 404
    assert client.get(f"/referrals/{scope['in']['referral'].pk}/").status_code == 302
    assert client.get(f"/api/v1/referrals/{scope['in']['referral'].pk}").status_code == 401


# Ids per route and role. The matrix above calls every route for every role on real objects;
# these are ids that exist nowhere, drawn from a seed of the role's: the same probes each run.
PROBES = 2


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_random_ids_are_refused_everywhere(client, users, scope, role, capsys):
    """Unknown ids through every route with an id, pages and API: 403 or 404 every time."""
    rng = random.Random(f"referrals-probe-{role}")

    def unknown_id():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    matrix.sign_in(client, users, role)
    auth = matrix.api_headers(users, role)
    fake = {"person": scope["in"]["person"], "token": "x"}
    count = 0
    for _ in range(PROBES):
        fake["referral"] = type("R", (), {"pk": unknown_id(), "service_id": unknown_id()})
        for _name, (kind, method, build) in ROUTES.items():
            if "referral" in kind or kind in ("read", "record", "provider"):
                status = getattr(client, method)(build(fake)).status_code
                assert status in (403, 404), (_name, status)
                count += 1
        for route, (_kind, build, body) in API_ROUTES.items():
            if "{referral_id}" in route:
                method = route.split()[0].lower()
                kwargs = {"data": body(fake), "content_type": "application/json"} if body else {}
                status = getattr(client, method)(build(fake), **kwargs, **auth).status_code
                assert status in (403, 404), (route, status)
                count += 1
    with capsys.disabled():
        print(f"\n{role}: {count} random-id probes, all refused")

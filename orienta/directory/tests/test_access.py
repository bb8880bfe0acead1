"""Every directory route, for every role, in and out of scope (see access.py)."""

import pytest

from orienta.audit.models import AccessLogEntry
from orienta.conftest import force_login_verified
from orienta.core.services import api_token_issue
from orienta.core.tests.html import pages_with_repeated_ids
from orienta.directory.tests.access import API_ROUTES, NO_OBJECT, ROUTES, expect

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "agent_td",
    "agent_td2",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
    "me_hq",
    "admin_user",
    "provider_user",
]


@pytest.fixture
def scope(directory):
    return {
        "in": {"service": directory["health"], "site": directory["site_td"]},
        "out": {"service": directory["legal"], "site": directory["site_mz"]},
    }


def _check(response, expected, api=False):
    status = response.status_code
    if expected == "ok":
        assert status in (200, 302, 409, 422), status
        if status == 302:
            assert "/login/" not in response["Location"]
    elif expected == "login":
        if api:
            assert status == 401, status
        else:
            assert status == 302 and "/login/?next=" in response["Location"], status
    else:
        assert status == expected, status


def _refusal_logged(response, role, before):
    # The directory holds no personal data: its 404s are not refusals of personal data.
    if role != "anonymous" and response.status_code == 403:
        entries = AccessLogEntry.objects.filter(seq__gt=before, username=role, action="refused")
        assert entries.exists(), "the refusal is not in the access log"


def _last_seq():
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _run(checks):
    failures = []
    for label, check in checks:
        try:
            check()
        except AssertionError as exc:
            failures.append(f"{label}: {exc}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    checks = []
    for name, (kind, method, build) in sorted(ROUTES.items()):
        for target in ("in", "out"):
            if target == "out" and name in NO_OBJECT:
                continue

            def check(kind=kind, method=method, build=build, target=target):
                if role != "anonymous":
                    force_login_verified(client, users[role])
                before = _last_seq()
                response = getattr(client, method)(build(scope[target]))
                _check(response, expect(kind, role, target))
                _refusal_logged(response, role, before)

            checks.append((f"{name} [{target}]", check))
    _run(checks)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    headers = {}
    if role != "anonymous":
        token, _row = api_token_issue(user=users[role])
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    checks = []
    for route, (kind, build) in sorted(API_ROUTES.items()):
        for target in ("in", "out"):

            def check(kind=kind, build=build, target=target, route=route):
                response = client.get(build(scope[target]), **headers)
                _check(response, expect(kind, role, target), api=True)
                if kind == "list" and response.status_code == 200 and "hsds/services" in route:
                    _no_leak(response, role, scope)

            checks.append((f"{route} [{target}]", check))
    _run(checks)


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


def test_every_page_has_unique_html_ids(client, users, scope):
    """No page of this matrix repeats an `id` attribute (see orienta/core/tests/html.py)."""
    failures = pages_with_repeated_ids(client, users, ROUTES, scope["in"])
    assert not failures, "\n".join(failures)

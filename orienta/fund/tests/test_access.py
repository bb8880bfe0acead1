"""Every fund route, for every role, in and out of scope (see access.py); reads of personal data
and refusals are in the access log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.audit.models import AccessLogEntry
from orienta.conftest import force_login_verified
from orienta.core.services import api_token_issue
from orienta.core.tests.html import pages_with_repeated_ids
from orienta.fund import services
from orienta.fund.receipts import receipt_check
from orienta.fund.tests.access import API_ROUTES, LOGGED, NO_OBJECT, ROUTES, expect
from orienta.fund.tests.factories import make_fund_request

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
PERSONAL_READERS = {
    "agent_td",
    "agent_td2",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _paid(person, agent, payer, org, amount):
    req = make_fund_request(person, agent, amount=amount, provider=org)
    services.request_approve(fund_request=req, by=payer)
    receipt = receipt_check(SimpleUploadedFile("r.png", PNG, content_type="image/png"))
    services.payment_record(
        fund_request=req,
        by=payer,
        data=services.PaymentInput(method="cash", receipt_number="R-1", receipt=receipt),
    )
    return req


@pytest.fixture
def scope(world, users, persons, fund_td, fund_mz, media):
    org_mz = world["sites"]["mz"].organisation
    return {
        "in": {
            "site": world["sites"]["td"],
            "person": persons["person_td"],
            "org": world["provider_org"],
            "period": fund_td["period"],
            "request": make_fund_request(
                persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
            ),
            "paid": _paid(
                persons["person_td"],
                users["agent_td"],
                users["manager_td"],
                world["provider_org"],
                300,
            ),
        },
        "out": {
            "site": world["sites"]["mz"],
            "person": persons["person_mz"],
            "org": org_mz,
            "period": fund_mz["period"],
            "request": make_fund_request(
                persons["person_mz"], users["agent_mz"], amount="5.00", provider=org_mz
            ),
            "paid": _paid(
                persons["person_mz"], users["agent_mz"], users["coordinator_mz"], org_mz, "3.50"
            ),
        },
    }


def _check(response, expected, api=False):
    status = response.status_code
    if expected == "ok":
        assert status in (200, 201, 302, 409, 422), status
        if status == 302:
            assert "/login/" not in response["Location"]
    elif expected == "login":
        if api:
            assert status == 401, status
        else:
            assert status == 302 and "/login/?next=" in response["Location"], status
    else:
        assert status == expected, status


def _last_seq():
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _logged(role, route, response, objs, before):
    entries = AccessLogEntry.objects.filter(seq__gt=before, username=role)
    if response.status_code in (403, 404) and (response.status_code == 403 or route in LOGGED):
        assert entries.filter(action="refused").exists(), "the refusal is not in the access log"
    action = LOGGED.get(route)
    if action and response.status_code in (200, 201) and role in PERSONAL_READERS:
        found = entries.filter(action=action)
        if action == "read":
            found = found.filter(person=objs["person"].pk)
        assert found.exists(), f"the {action} is not in the access log"


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

            def check(name=name, kind=kind, method=method, build=build, target=target):
                if role != "anonymous":
                    force_login_verified(client, users[role])
                before = _last_seq()
                response = getattr(client, method)(build(scope[target]))
                _check(response, expect(kind, role, target))
                if role != "anonymous":
                    _logged(role, name, response, scope[target], before)

            checks.append((f"{name} [{target}]", check))
    _run(checks)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    headers = {}
    if role != "anonymous":
        token, _row = api_token_issue(user=users[role])
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    checks = []
    for route, (kind, build, body) in sorted(API_ROUTES.items()):
        for target in ("in", "out"):

            def check(route=route, kind=kind, build=build, body=body, target=target):
                objs = scope[target]
                data = body(objs) if callable(body) else body
                method = route.split()[0].lower()
                kwargs = (
                    {"content_type": "application/json", "data": data} if data is not None else {}
                )
                before = _last_seq()
                response = getattr(client, method)(build(objs), **kwargs, **headers)
                _check(response, expect(kind, role, target, api=True), api=True)
                if role != "anonymous":
                    _logged(role, route, response, objs, before)
                if kind in ("list", "balances") and response.status_code == 200:
                    _no_leak(response, kind, role)

            checks.append((f"{route} [{target}]", check))
    _run(checks)


def _no_leak(response, kind, role):
    """A list shows only what the role may read: no request, no site of another scope."""
    text = response.content.decode()
    for target, objs in (("in", None), ("out", None)):
        del objs
        visible = expect("read" if kind == "list" else "site", role, target) == "ok"
        marker = {"in": "TD-NDJ1", "out": "MZ-MPM1"}[target]
        if not visible:
            assert marker not in text, f"{target} appears in the list"


def test_every_page_has_unique_html_ids(client, users, scope):
    """No page of this matrix repeats an `id` attribute (see orienta/core/tests/html.py)."""
    failures = pages_with_repeated_ids(client, users, ROUTES, scope["in"])
    assert not failures, "\n".join(failures)

"""Every fund route, for every role, in and out of scope (see access.py); reads of personal data
and refusals are in the access log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.fund import services
from orienta.fund.receipts import receipt_check
from orienta.fund.tests.access import API_ROUTES, LOGGED, NO_OBJECT, ROUTES, expect
from orienta.fund.tests.factories import make_fund_request
from orienta.testing import access as matrix
from orienta.testing.access import ROLES

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


def _logged(role, route, response, objs, before):
    entries = matrix.logged(role, before)
    matrix.check_refusal_logged(
        response, role, before, statuses=(403, 404) if route in LOGGED else (403,)
    )
    action = LOGGED.get(route)
    if action and response.status_code in (200, 201) and role in PERSONAL_READERS:
        found = entries.filter(action=action)
        if action == "read":
            found = found.filter(person=objs["person"].pk)
        assert found.exists(), f"the {action} is not in the access log"


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind = ROUTES[name][0]
        matrix.check_status(response, expect(kind, role, target))
        if role != "anonymous":
            _logged(role, name, response, scope[target], before)

    matrix.check_pages(client, users, role, scope, ROUTES, check, no_object=NO_OBJECT)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = API_ROUTES[route][0]
        matrix.check_status(response, expect(kind, role, target, api=True), api=True)
        if role != "anonymous":
            _logged(role, route, response, scope[target], before)
        if kind in ("list", "balances") and response.status_code == 200:
            _no_leak(response, kind, role)

    matrix.check_api(client, users, role, scope, API_ROUTES, check)


def _no_leak(response, kind, role):
    """A list shows only what the role may read: no request, no site of another scope."""
    text = response.content.decode()
    for target in ("in", "out"):
        visible = expect("read" if kind == "list" else "site", role, target) == "ok"
        marker = {"in": "TD-NDJ1", "out": "MZ-MPM1"}[target]
        if not visible:
            assert marker not in text, f"{target} appears in the list"

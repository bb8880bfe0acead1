"""The fund's API: create, approve, reject, pay, reverse, balances; errors as documented."""

import pytest

from orienta.api.v1 import api as ninja_api
from orienta.cases.services import case_action_add
from orienta.cases.tests.factories import make_case
from orienta.core.services import api_token_issue
from orienta.directory.tests.factories import make_service
from orienta.fund.models import FundRequest, LedgerEntry
from orienta.referrals.tests.factories import make_referral

API = "/api/v1/fund"


@pytest.fixture
def api(client, users):
    def call(role, method, path, data=None, language=None):
        token, _row = api_token_issue(user=users[role])
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if language:
            kwargs["HTTP_ACCEPT_LANGUAGE"] = language
        if data is not None:
            kwargs |= {"data": data, "content_type": "application/json"}
        return getattr(client, method)(f"{API}{path}", **kwargs)

    return call


def _body(world, persons, **extra):
    return {
        "person": str(persons["person_td"].pk),
        "amount": "1500",
        "reason": "Widow, no income",
        "criteria": ["no_income", "woman_head_alone"],
        "provider": str(world["provider_org"].pk),
    } | extra


def test_the_whole_cycle_through_the_api(api, world, persons, fund_td):
    created = api("agent_td", "post", "/requests", _body(world, persons))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "1500" and body["currency"] == "XAF" and body["amount_eur"] == "2.29"
    assert body["status"] == "requested" and body["level"] == "manager"
    rid = body["id"]
    assert api("agent_td", "post", f"/requests/{rid}/approve", {}).status_code == 403
    approved = api("manager_td", "post", f"/requests/{rid}/approve", {})
    assert approved.status_code == 200 and approved.json()["decided_by"] == "manager_td"
    pay = {"method": "mobile", "operator": "Airtel Money", "reference": "CI240101.1234.A1"}
    paid = api("manager_td", "post", f"/requests/{rid}/pay", pay)
    assert paid.status_code == 200, paid.content
    payment = paid.json()["payment"]
    assert payment["reference"] == "CI240101.1234.A1" and payment["paid_by"] == "manager_td"
    again = api("coordinator_td", "post", f"/requests/{rid}/pay", pay)
    assert again.status_code == 409 and "no longer possible" in again.json()["detail"]
    no_reason = api("manager_td", "post", f"/requests/{rid}/reverse", {"reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"] == [
        "body",
        "reason",
    ]
    reversed_ = api("manager_td", "post", f"/requests/{rid}/reverse", {"reason": "Refunded"})
    assert reversed_.json()["status"] == "reversed"
    assert reversed_.json()["payment"]["reversed_by"] == "manager_td"
    balances = api("agent_td", "get", "/balances").json()
    assert balances["count"] == 1
    (row,) = balances["items"]
    assert row == {
        "site": "TD-NDJ1",
        "currency": "XAF",
        "allocated": "10000",
        "committed": "0",
        "paid": "0",
        "available": "10000",
        "allocated_eur": "15.24",
        "committed_eur": "0.00",
        "paid_eur": "0.00",
        "available_eur": "15.24",
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"amount": 1500.0}, "amount"),
        ({"amount": 1500.5}, "amount"),
        ({"amount": "-100"}, "amount"),
        ({"amount": "1500.50"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"criteria": []}, "criteria"),
        ({"reason": ""}, "reason"),
        ({"site": "TD-MOU1"}, "site"),
    ],
)
def test_bad_requests_are_refused_with_422(api, world, persons, fund_td, extra, field):
    response = api("agent_td", "post", "/requests", _body(world, persons, **extra))
    assert response.status_code == 422, response.content
    assert ["body", field] in [e["loc"] for e in response.json()["detail"]]
    assert not FundRequest.objects.exists()


def test_an_amount_above_the_cost_option_is_a_422(api, world, persons, fund_td):
    service = make_service(world["provider_org"], amount=1000, currency="XAF")
    body = _body(world, persons, cost_option=str(service.cost_options.get().pk), amount=1001)
    response = api("agent_td", "post", "/requests", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "cost_option"]


def test_a_repeat_is_a_409_until_confirmed(api, world, persons, fund_td):
    assert api("agent_td", "post", "/requests", _body(world, persons)).status_code == 201
    repeat = api("agent_td", "post", "/requests", _body(world, persons))
    assert repeat.status_code == 409 and repeat.json()["similar"] == "TD-NDJ1-F0001"
    confirmed = api("agent_td", "post", "/requests", _body(world, persons, confirm_repeat=True))
    assert confirmed.status_code == 201 and confirmed.json()["repeat_of"] == "TD-NDJ1-F0001"


def test_a_request_for_a_referral_takes_its_service_and_price(api, world, users, persons, fund_td):
    service = make_service(
        world["provider_org"], name="Acte de naissance", amount=1000, currency="XAF"
    )
    referral = make_referral(persons["person_td"], service, users["agent_td"])
    body = _body(world, persons, referral=str(referral.pk), amount="1000")
    del body["provider"]
    response = api("agent_td", "post", "/requests", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["referral"] == str(referral.pk) and data["service_name"] == "Acte de naissance"
    assert data["cost_option"] == str(service.cost_options.get().pk)
    from orienta.fund.queries import referral_fund_status

    assert referral_fund_status(referral) == "requested"
    over = api("agent_td", "post", "/requests", body | {"amount": "1200", "confirm_repeat": True})
    assert over.status_code == 422


def test_a_request_for_several_units_takes_a_quantity(api, world, users, persons, fund_td):
    service = make_service(world["provider_org"], name="Certificat", amount=500, currency="XAF")
    option = str(service.cost_options.get().pk)
    body = _body(world, persons, cost_option=option, quantity=3)
    del body["provider"]
    created = api("agent_td", "post", "/requests", body)
    assert created.status_code == 201, created.content
    assert (created.json()["quantity"], created.json()["amount"]) == (3, "1500")
    read = api("agent_td", "get", f"/requests/{created.json()['id']}")
    assert read.json()["quantity"] == 3
    over = api("agent_td", "post", "/requests", body | {"amount": "1600", "confirm_repeat": True})
    assert over.status_code == 422
    assert over.json()["detail"][0]["loc"] == ["body", "cost_option"]


def test_the_quantity_is_one_unless_given(api, world, persons, fund_td):
    created = api("agent_td", "post", "/requests", _body(world, persons))
    assert created.status_code == 201 and created.json()["quantity"] == 1


@pytest.mark.parametrize("quantity", [0, 51, "3", 2.5, True, None])
def test_a_bad_quantity_is_a_422_with_a_translated_message(api, world, persons, fund_td, quantity):
    body = _body(world, persons, quantity=quantity)
    response = api("agent_td", "post", "/requests", body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "quantity"]
    french = api("agent_td", "post", "/requests", body, language="fr").json()["detail"][0]
    assert french["loc"] == ["body", "quantity"] and french["msg"] != error["msg"]
    assert not FundRequest.objects.exists()


def test_a_request_for_a_case_action(api, world, users, persons, fund_td):
    from datetime import timedelta

    from django.utils import timezone

    case = make_case(persons["person_td"], users["agent_td"])
    action = case_action_add(
        case=case,
        by=users["agent_td"],
        what="Pay the school fee",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    body = _body(world, persons, case_action=str(action.pk))
    response = api("agent_td", "post", "/requests", body)
    assert response.status_code == 201 and response.json()["case_action"] == str(action.pk)
    other = _body(world, persons, case_action=str(action.pk), person=str(persons["person_td2"].pk))
    assert api("agent_td2", "post", "/requests", other).status_code == 422


def test_the_list_is_scoped_and_paginated(api, world, users, persons, fund_td):
    for _ in range(3):
        api("agent_td", "post", "/requests", _body(world, persons, confirm_repeat=True))
    page = api("manager_td", "get", "/requests?page_size=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert api("agent_td2", "get", "/requests").json()["count"] == 0
    assert api("me_hq", "get", "/requests").json()["count"] == 0
    assert api("coordinator_td", "get", "/requests?status=requested").json()["count"] == 3


def test_the_api_has_no_route_to_edit_or_delete_the_ledger(client, users):
    paths = ninja_api.get_openapi_schema()["paths"]
    fund_ops = {(m, p) for p, ops in paths.items() if "/fund/" in p for m in ops}
    assert all(m in ("get", "post") for m, _p in fund_ops)
    assert not any("ledger" in p or "entries" in p for _m, p in fund_ops)
    assert LedgerEntry.objects.count() == 0


def test_a_page_past_the_end_is_empty(api, world, persons, fund_td):
    api("agent_td", "post", "/requests", _body(world, persons))
    response = api("agent_td", "get", "/requests?page=7")
    assert response.status_code == 200 and response.json()["items"] == []
    # Far beyond any list: refused as bad input, not left to overflow the database.
    assert api("agent_td", "get", "/requests?page=377926578208190103552").status_code == 422


def _list_queries(api, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page = api(role, "get", "/requests?page_size=100").json()
    return len(ctx), page


def test_the_list_reads_no_more_queries_for_more_requests(api, world, persons, fund_td):
    """The list joins what each item shows (a payment, its payer and reverser, the decider, the
    household, the repeated request): no query for each of them."""

    def paid_and_reversed():
        rid = api("agent_td", "post", "/requests", _body(world, persons, confirm_repeat=True))
        rid = rid.json()["id"]
        api("manager_td", "post", f"/requests/{rid}/approve", {})
        pay = {"method": "mobile", "operator": "Airtel Money", "reference": f"R{rid[-6:]}"}
        assert api("manager_td", "post", f"/requests/{rid}/pay", pay).status_code == 200
        api("manager_td", "post", f"/requests/{rid}/reverse", {"reason": "Refunded"})

    paid_and_reversed()
    _list_queries(api, "manager_td")  # the token's first use
    few, page = _list_queries(api, "manager_td")
    for _ in range(3):
        paid_and_reversed()
        api("agent_td", "post", "/requests", _body(world, persons, confirm_repeat=True))
    many, page = _list_queries(api, "manager_td")
    assert page["count"] == 7 and many == few
    reversed_ = [item for item in page["items"] if item["payment"]]
    assert len(reversed_) == 4
    assert all(item["payment"]["reversed_by"] == "manager_td" for item in reversed_)
    assert all(item["payment"]["paid_by"] == "manager_td" for item in reversed_)
    assert all(item["decided_by"] == "manager_td" for item in reversed_)
    assert {item["site"] for item in page["items"]} == {"TD-NDJ1"}
    assert all(item["period"] and item["provider_name"] for item in page["items"])

"""Resolving the conflict of an approval made at a node that the site's fund could not cover,
on the central server: the node's value goes through the fund's own service and its checks
(who may approve this amount), the server's value leaves the request awaiting approval."""

from decimal import Decimal

import pytest
from django.utils import translation

from orienta.fund.models import LedgerEntry
from orienta.fund.services import allocation_record, request_reject
from orienta.fund.services.ledger import account_position
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.sync import backfill
from orienta.sync.models import Conflict
from orienta.sync.services import SyncRefused, conflict_resolve, node_create
from orienta.sync.tests import helpers


@pytest.fixture
def node(world, users, persons, client):
    backfill.journal_missing()
    created, code = node_create(site=world["sites"]["td"], by=users["admin_user"])
    body = helpers.enrol(client, code).json()
    return {"node": created, "token": body["token"]}


@pytest.fixture
def requests(world, users, persons):
    """Two requests of 3,000 (above the site manager's 2,000: the coordinator's to approve) at
    a site whose fund holds 1,000."""
    fund, period = make_fund(
        world["td"], coordinator=users["coordinator_td"], allocations=[(world["sites"]["td"], 1000)]
    )
    made = [
        make_fund_request(
            persons["person_td"], users["agent_td"], amount=3000, provider=world["provider_org"]
        )
        for _ in range(2)
    ]
    return fund, period, made


def _approved_at_node(client, node, request, author):
    change = helpers.change(
        "fund.FundRequest", request.pk, fields={"status": "approved"}, author=author.pk
    )
    status, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[change])
    )
    assert status == 200 and body["acks"][0]["status"] == "conflict", body
    return Conflict.objects.get(record=str(request.pk), resolved_at=None)


def test_the_nodes_approval_is_taken_only_by_who_may_approve_it(
    client, node, requests, users, world
):
    fund, period, (request, _other) = requests
    conflict = _approved_at_node(client, node, request, users["manager_td"])
    allocation_record(
        fund=fund, site=world["sites"]["td"], period=period, amount=5000, by=users["coordinator_td"]
    )
    # The fund could cover it now, but 3,000 is the coordinator's to approve, not the manager's.
    with translation.override("en"), pytest.raises(SyncRefused, match="You may not approve"):
        conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    request.refresh_from_db()
    assert request.status == "requested" and not LedgerEntry.objects.filter(request=request)

    conflict_resolve(conflict=conflict, keep="node", by=users["coordinator_td"])
    request.refresh_from_db()
    conflict.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", users["coordinator_td"])
    assert (conflict.kept, conflict.resolved_by) == ("node", users["coordinator_td"])
    assert LedgerEntry.objects.get(request=request).kind == "commitment"
    assert account_position(request.account).available == Decimal(6000 - 3000)


def test_the_servers_value_leaves_the_request_awaiting_approval(client, node, requests, users):
    _fund, _period, (_first, request) = requests
    conflict = _approved_at_node(client, node, request, users["manager_td"])
    conflict_resolve(conflict=conflict, keep="server", by=users["manager_td"])
    request.refresh_from_db()
    conflict.refresh_from_db()
    assert request.status == "requested" and conflict.kept == "server"
    assert not LedgerEntry.objects.filter(request=request).exists()
    assert account_position(request.account).available == Decimal(1000)


def test_the_nodes_approval_of_a_request_rejected_here_meanwhile_is_refused(
    client, node, requests, users
):
    _fund, _period, (request, _other) = requests
    request_reject(fund_request=request, by=users["coordinator_td"], reason="Pas éligible")
    conflict = _approved_at_node(client, node, request, users["manager_td"])
    with translation.override("en"), pytest.raises(SyncRefused, match="is rejected"):
        conflict_resolve(conflict=conflict, keep="node", by=users["coordinator_td"])
    request.refresh_from_db()
    conflict.refresh_from_db()
    assert request.status == "rejected" and conflict.resolved_at is None

"""The central server's side of faults and checks, spoken to as a node would: batches duplicated
and reordered, the count-and-hash check, a node's allowance kept aside from the site's fund,
the referral blocks, and a wipe confirmed."""

from decimal import Decimal

import pytest

from orienta.fund.services import request_approve
from orienta.fund.services.ledger import Refused as FundRefused
from orienta.fund.services.ledger import account_position
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.lib.ids import uuid7
from orienta.people.models import Person
from orienta.referrals.services import new_code
from orienta.sync import backfill, integrity
from orienta.sync.models import Change, Node
from orienta.sync.services import (
    SyncRefused,
    node_allowance_set,
    node_create,
    node_revoke,
    referral_block_prefix,
)
from orienta.sync.tests import helpers
from orienta.sync.wire import row_values


@pytest.fixture
def node(world, users, persons, client):
    backfill.journal_missing()
    created, code = node_create(site=world["sites"]["td"], by=users["admin_user"])
    body = helpers.enrol(client, code).json()
    return {"node": Node.objects.get(pk=created.pk), "token": body["token"], "body": body}


def pull_cursor(client, node):
    cursor = 0
    while True:
        _, body = helpers.post(
            client, node["token"], helpers.message(node["node"].pk, cursor=cursor)
        )
        cursor = body["cursor"]
        if not body["more"]:
            return cursor, body


def person_created(world, users, **data):
    """A person made at the node: its creation as the node would push it."""
    person = Person(
        site=world["sites"]["td"],
        code="TD-NDJ1-N1-00001",
        given_name=data.get("given_name", "Zara"),
        family_name="Abakar",
        sex="female",
        migration_status="national",
        created_by=users["agent_td"],
        updated_by=users["agent_td"],
    )
    fields = row_values(person)
    return helpers.change("people.Person", person.pk, "create", fields=fields, base_version=0)


def test_reordered_and_duplicated_batches_apply_each_change_once(client, node, world, users):
    cursor, _ = pull_cursor(client, node)
    create = person_created(world, users)
    edit = helpers.change(
        "people.Person", create["record"], fields={"locality": "Chagoua"}, base_seq=cursor
    )
    first = helpers.message(node["node"].pk, changes=[create], cursor=cursor)
    second = helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    # The second batch arrives first: its record is not there yet; nothing is lost, it waits.
    _, body = helpers.post(client, node["token"], second)
    assert body["acks"][0]["status"] == "pending"
    assert not Person.objects.filter(pk=create["record"]).exists()
    # Then the first, twice; then the second again: each change applied once.
    for _ in range(2):
        _, body = helpers.post(client, node["token"], first)
        assert body["acks"] == [{"id": create["id"], "status": "applied"}]
    _, body = helpers.post(client, node["token"], second)
    assert body["acks"][0]["status"] in ("applied", "merged")
    _, again = helpers.post(client, node["token"], second)
    assert again["acks"] == body["acks"]
    person = Person.objects.get(pk=create["record"])
    assert (person.locality, person.version) == ("Chagoua", 2)
    assert Change.objects.filter(change_id=edit["id"]).count() == 1
    assert Change.objects.filter(change_id=create["id"]).count() == 1


def test_counts_and_hashes_that_differ_are_named_and_shown(client, node, world, users, login):
    site = world["sites"]["td"]
    cursor, _ = pull_cursor(client, node)
    digest = integrity.partition_digest(site.pk)
    assert digest["people.Person"][0] == 1
    message = helpers.message(node["node"].pk, cursor=cursor) | {"check": digest}
    _, body = helpers.post(client, node["token"], message)
    assert body["mismatch"] == []
    # The node lost a version of its person: the model is named, and the page says so.
    wrong = digest | {"people.Person": [1, "0" * 64]}
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, cursor=cursor) | {"check": wrong}
    )
    assert body["mismatch"] == ["people.Person"]
    assert Node.objects.get(pk=node["node"].pk).mismatch == ["people.Person"]
    page = login(users["admin_user"]).get("/sync/nodes/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert "personnes" in text.lower()
    assert "diffère" in text or "differ" in text
    # A repair page carries the rows of the model, whole.
    _, body = helpers.post(
        client,
        node["token"],
        helpers.message(node["node"].pk, cursor=cursor)
        | {"repair": {"model": "people.Person", "after": ""}},
    )
    assert [r["record"] for r in body["repair_rows"]] == [str(Person.objects.get(site=site).pk)]
    # Only the node's site, and only models of a site.
    _, body = helpers.post(
        client,
        node["token"],
        helpers.message(node["node"].pk, cursor=cursor)
        | {"repair": {"model": "core.User", "after": ""}},
    )
    assert body["repair_rows"] == []


def test_no_check_is_answered_while_changes_remain_to_pull(client, node, world):
    digest = integrity.partition_digest(world["sites"]["td"].pk)
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, cursor=0) | {"check": digest}
    )
    assert body["changes"] and body.get("mismatch") is None


def test_a_nodes_allowance_is_kept_aside_from_the_central_servers_approvals(
    client, node, world, users, persons, in_english
):
    fund, _period = make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 10000)],
    )
    with pytest.raises(SyncRefused):
        node_allowance_set(node=node["node"], amount="12000", by=users["admin_user"])
    with pytest.raises(SyncRefused):
        node_allowance_set(node=node["node"], amount="3000", by=users["manager_td"])
    node_allowance_set(node=node["node"], amount="3000", by=users["admin_user"])
    # The node is told its allowance at each exchange.
    _, body = helpers.post(client, node["token"], helpers.message(node["node"].pk))
    assert (body["allowance"], body["currency"]) == ("3000.00", "XAF")
    # The central server approves up to what the node does not hold.
    person = persons["person_td"]
    big = make_fund_request(person, users["agent_td"], amount=7000, provider=world["provider_org"])
    request_approve(fund_request=big, by=users["coordinator_td"])
    more = make_fund_request(person, users["agent_td"], amount=500, provider=world["provider_org"])
    with pytest.raises(FundRefused, match="kept for the site's offline nodes"):
        request_approve(fund_request=more, by=users["coordinator_td"])
    account = big.account
    assert account_position(account).available == Decimal(3000)
    # What remains for the node shrinks with the site's fund, never above it.
    _, body = helpers.post(client, node["token"], helpers.message(node["node"].pk))
    assert body["allowance"] == "3000.00"
    node_revoke(node=node["node"], by=users["admin_user"])
    request_approve(fund_request=more, by=users["coordinator_td"])  # a revoked node holds none


def test_an_approval_made_offline_that_the_fund_cannot_cover_is_a_conflict(
    client, node, world, users, persons
):
    make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 10000)],
    )
    person = persons["person_td"]
    offline = make_fund_request(
        person, users["agent_td"], amount=4000, provider=world["provider_org"]
    )
    cursor, _ = pull_cursor(client, node)
    # Meanwhile the central server spent most of the fund.
    spent = make_fund_request(
        person, users["agent_td"], amount=8000, provider=world["provider_org"]
    )
    request_approve(fund_request=spent, by=users["coordinator_td"])
    # The node approved the first request offline: its status and its commitment arrive.
    approval = helpers.change(
        "fund.FundRequest",
        offline.pk,
        fields={"status": "approved", "decided_by_id": str(users["manager_td"].pk)},
        base_seq=cursor,
    )
    entry_id = uuid7()
    commitment = helpers.change(
        "fund.LedgerEntry",
        entry_id,
        "create",
        base_version=0,
        fields={
            "id": str(entry_id),
            "account_id": str(offline.account_id),
            "period_id": str(offline.period_id),
            "kind": "commitment",
            "amount": "4000.00",
            "currency": "XAF",
            "amount_eur": "6.10",
            "request_id": str(offline.pk),
            "note": "",
            "at": "2026-03-02T09:00:00+00:00",
            "by_id": str(users["manager_td"].pk),
        },
    )
    _, body = helpers.post(
        client,
        node["token"],
        helpers.message(node["node"].pk, changes=[approval, commitment], cursor=cursor),
    )
    assert [a["status"] for a in body["acks"]] == ["conflict", "conflict"]
    offline.refresh_from_db()
    assert offline.status == "requested"
    assert account_position(offline.account).available == Decimal(2000)  # never overspent
    # The node is sent the request back as it is, and the commitment taken out.
    back = {(c["model"], c["op"]): c for c in body["changes"]}
    assert back[("fund.FundRequest", "update")]["fields"]["status"] == "requested"
    assert back[("fund.LedgerEntry", "delete")]["record"] == str(entry_id)
    conflict = node["node"].conflicts.get()
    assert (conflict.field, conflict.node_value) == ("status", "approved")


def test_referral_codes_of_the_central_server_never_use_the_nodes_mark(node):
    block = node["body"]["code_block"]
    assert block is not None
    assert referral_block_prefix(block).startswith("Z")
    assert not any(new_code().startswith("Z") for _ in range(300))


def test_a_wiped_node_says_so_and_it_is_recorded(client, node, users):
    node_revoke(node=node["node"], by=users["admin_user"], wipe=True)
    status, body = helpers.post(client, node["token"], helpers.message(node["node"].pk))
    assert status == 403 and body["wipe"] is True
    assert Node.objects.get(pk=node["node"].pk).wiped_at is None
    status, _ = helpers.post(
        client, node["token"], helpers.message(node["node"].pk) | {"wiped": True}
    )
    assert status == 403
    assert Node.objects.get(pk=node["node"].pk).wiped_at is not None

"""The central server's side of the exchange, spoken to as a node would: enrolment, revocation,
the partition pulled, idempotence, the three-way merge and conflicts."""

import json

import pytest

from orienta.people.models import Person
from orienta.people.services import person_update
from orienta.sync import backfill, wire
from orienta.sync.models import Change, Conflict, Node
from orienta.sync.services import conflict_resolve, node_create, node_revoke
from orienta.sync.tests import helpers
from orienta.sync.wire import SCHEMA


@pytest.fixture
def node(world, users, persons, client):
    backfill.journal_missing()
    created, code = node_create(site=world["sites"]["td"], by=users["admin_user"])
    response = helpers.enrol(client, code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["site_code"] == "TD-NDJ1" and body["number"] == 1
    return {"node": Node.objects.get(pk=created.pk), "token": body["token"], "code": code}


def pull_all(client, node):
    cursor, pulled = 0, []
    while True:
        status, body = helpers.post(
            client, node["token"], helpers.message(node["node"].pk, cursor=cursor)
        )
        assert status == 200, body
        pulled += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return pulled, cursor


def test_a_code_enrols_once(client, node):
    assert helpers.enrol(client, node["code"]).status_code == 409
    assert helpers.enrol(client, "AAAA-BBBB-CCCC-DDDD").status_code == 409


def test_an_unknown_token_is_refused_and_a_revoked_node_told_to_stop(client, node, users):
    status, _ = helpers.post(client, "nonsense", helpers.message(node["node"].pk))
    assert status == 401
    node_revoke(node=node["node"], by=users["admin_user"], wipe=True)
    status, body = helpers.post(client, node["token"], helpers.message(node["node"].pk))
    assert status == 403 and body["stop"] is True and body["wipe"] is True


def test_an_old_schema_is_told_to_upgrade(client, node):
    status, _ = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, schema=SCHEMA - 2)
    )
    assert status == 426


def test_the_pull_holds_the_sites_records_and_reference_data_only(client, node, persons, world):
    pulled, cursor = pull_all(client, node)
    records = {(c["model"], c["record"]) for c in pulled}
    assert ("people.Person", str(persons["person_td"].pk)) in records
    assert ("people.Person", str(persons["person_td2"].pk)) not in records
    assert ("people.Person", str(persons["person_mz"].pk)) not in records
    assert ("core.Site", str(world["sites"]["mz"].pk)) in records  # reference data: every site
    # Nothing more once pulled; a small max_bytes pages the same changes.
    status, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, cursor=cursor)
    )
    assert body["changes"] == [] and body["more"] is False
    small, cursor2 = [], 0
    while True:
        _, body = helpers.post(
            client, node["token"], helpers.message(node["node"].pk, cursor=cursor2, max_bytes=4000)
        )
        small += body["changes"]
        cursor2 = body["cursor"]
        if not body["more"]:
            break
    assert [c["seq"] for c in small] == [c["seq"] for c in pulled]


def test_a_node_is_answered_in_its_own_protocol(client, node):
    """Protocol 2 (this version's nodes) gets the pull's creations in columns; a node still on
    protocol 1 gets the same changes one object each."""
    pulled, _ = pull_all(client, node)
    one = helpers.message(node["node"].pk) | {"protocol": 1, "max_bytes": 1_000_000}
    two = helpers.message(node["node"].pk) | {"protocol": 2, "max_bytes": 1_000_000}
    status1, answer1 = helpers.post(client, node["token"], one, raw=True)
    status2, answer2 = helpers.post(client, node["token"], two, raw=True)
    assert status1 == status2 == 200
    assert answer1["protocol"] == 1 and "columns" not in answer1
    assert answer2["protocol"] == 2 and answer2["columns"]  # themes, sites, countries…
    assert len(answer2["changes"]) < len(answer1["changes"])
    assert wire.unpack(answer2) == answer1["changes"] == pulled
    assert len(wire.compress(answer2)) < len(wire.compress(answer1))


def test_a_push_in_columns_is_applied_and_a_malformed_one_refused_whole(client, node, persons):
    _, cursor = pull_all(client, node)
    people = Person.objects.filter(site=node["node"].site)
    # Each person's locality edited four times: alike enough to travel in columns.
    edits = [
        helpers.change("people.Person", p.pk, fields={"locality": "Chagoua"}, base_seq=cursor)
        for p in people
        for _ in range(4)
    ]
    packed = wire.pack_message(helpers.message(node["node"].pk, changes=edits), 2)
    assert packed["columns"]
    broken = json.loads(json.dumps(packed))
    broken["columns"][0]["fields"]["locality"][1].pop()
    status, body = helpers.post(client, node["token"], broken)
    assert status == 422 and "unreadable" in body["detail"]
    assert not Change.objects.filter(origin=node["node"].pk).exists()
    status, body = helpers.post(client, node["token"], packed)
    assert status == 200 and len(body["acks"]) == len(edits)
    assert {a["status"] for a in body["acks"]} <= {"applied", "merged"}
    assert set(people.values_list("locality", flat=True)) == {"Chagoua"}


def test_a_batch_sent_twice_applies_once(client, node, persons):
    person = persons["person_td"]
    _, cursor = pull_all(client, node)
    edit = helpers.change(
        "people.Person", person.pk, fields={"phone": "+23566777777"}, base_seq=cursor
    )
    msg = helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    first = helpers.post(client, node["token"], msg)
    second = helpers.post(client, node["token"], msg)
    assert first[1]["acks"] == second[1]["acks"] == [{"id": edit["id"], "status": "applied"}]
    assert Change.objects.filter(change_id=edit["id"]).count() == 1
    assert Person.objects.get(pk=person.pk).version == 2
    # The same change in another batch (after a cut, batches are made again): still once.
    third = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    )
    assert third[1]["acks"][0]["status"] == "applied"
    assert Person.objects.get(pk=person.pk).version == 2
    # The node's own change is not sent back to it.
    assert all(c["id"] != edit["id"] for c in first[1]["changes"])


def test_a_node_cannot_write_another_sites_record(client, node, persons):
    other = helpers.change(
        "people.Person", persons["person_mz"].pk, fields={"phone": "+258840000000"}
    )
    _, body = helpers.post(client, node["token"], helpers.message(node["node"].pk, changes=[other]))
    assert body["acks"][0]["status"] == "rejected"
    assert "another site" in body["acks"][0]["reason"]
    assert Person.objects.get(pk=persons["person_mz"].pk).phone == "+258841234567"


def test_edits_of_different_fields_merge(client, node, persons, users):
    person = persons["person_td"]
    _, cursor = pull_all(client, node)
    person_update(
        person=person, data={"phone": "+23566111111"}, expected_version=1, by=users["agent_td"]
    )
    edit = helpers.change(
        "people.Person", person.pk, fields={"locality": "Chagoua"}, base_seq=cursor
    )
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    )
    assert body["acks"][0]["status"] == "merged"
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.locality, fresh.version) == ("+23566111111", "Chagoua", 3)
    # The server's edit comes back in the pull; the node's own does not.
    phones = [c["fields"].get("phone") for c in body["changes"] if c["record"] == str(person.pk)]
    assert phones == ["+23566111111"]
    assert not Conflict.objects.exists()


def test_edits_of_the_same_field_make_a_conflict_a_manager_resolves(client, node, persons, users):
    person = persons["person_td"]
    _, cursor = pull_all(client, node)
    person_update(
        person=person, data={"phone": "+23566111111"}, expected_version=1, by=users["agent_td"]
    )
    edit = helpers.change(
        "people.Person", person.pk, fields={"phone": "+23566222222"}, base_seq=cursor
    )
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    )
    assert body["acks"][0]["status"] == "conflict"
    assert Person.objects.get(pk=person.pk).phone == "+23566111111"  # the server's, for now
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.server_value, conflict.node_value) == (
        "phone",
        "+23566111111",
        "+23566222222",
    )
    conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    assert Person.objects.get(pk=person.pk).phone == "+23566222222"
    # The choice is a change like any other: the node pulls it.
    _, body = helpers.post(client, node["token"], helpers.message(node["node"].pk, cursor=cursor))
    assert body["changes"][-1]["fields"]["phone"] == "+23566222222"


def test_identity_fields_conflict_on_any_concurrent_identity_change(client, node, persons, users):
    person = persons["person_td"]
    _, cursor = pull_all(client, node)
    person_update(
        person=person, data={"given_name": "Achta Zara"}, expected_version=1, by=users["agent_td"]
    )
    edit = helpers.change(
        "people.Person", person.pk, fields={"family_name": "Abakar"}, base_seq=cursor
    )
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[edit], cursor=cursor)
    )
    assert body["acks"][0]["status"] == "conflict"
    assert Person.objects.get(pk=person.pk).family_name == "Mahamat"


def test_a_delete_concurrent_with_an_edit_is_a_conflict(client, node, persons, users):
    person = persons["person_td"]
    _, cursor = pull_all(client, node)
    person_update(
        person=person, data={"phone": "+23566111111"}, expected_version=1, by=users["agent_td"]
    )
    tomb = helpers.change(
        "people.Person",
        person.pk,
        fields={"deleted_at": "2026-03-02T09:00:00+00:00"},
        base_seq=cursor,
    )
    _, body = helpers.post(
        client, node["token"], helpers.message(node["node"].pk, changes=[tomb], cursor=cursor)
    )
    assert body["acks"][0]["status"] == "conflict"
    assert Person.objects.get(pk=person.pk).deleted_at is None


def test_the_openapi_document_describes_the_exchange(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    exchange = paths["/api/v1/sync/exchange"]["post"]
    body = exchange["requestBody"]["content"]["application/json"]["schema"]
    assert {"protocol", "schema", "batch", "cursor", "changes"} <= set(body["properties"])
    assert "zstd" in exchange["description"]
    assert {"200", "401", "403", "426"} <= set(exchange["responses"])
    assert "/api/v1/sync/enrol" in paths

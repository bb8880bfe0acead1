"""Protocol 2's columns: what `pack` writes, `unpack` gives back exactly, in order; a malformed
message is refused whole."""

import json
import uuid

import pytest

from orienta.lib.ids import uuid7
from orienta.sync.wire import GROUP_MIN, compress, decompress, pack, unpack, unpack_message


def creation(i, **extra):
    record = str(uuid7())
    return {
        "seq": 1000 + i,
        "id": str(uuid7()),
        "model": "cases.Case",
        "record": record,
        "op": "create",
        "version": 1,
        "fields": {
            "id": record,
            "created_at": f"2026-03-{1 + i % 28:02d}T09:00:00+00:00",
            "site_id": "01a23cde-531c-7291-affb-a2d2cbc9a874",
            "person_id": str(uuid7()),
            "household_id": None if i % 3 else str(uuid7()),
            "code": f"TD-NDJ1-C-{i:06d}",
            "risk": ["low", "medium", "high"][i % 3],
            "sensitive": i % 5 == 0,
            "needs": ["health", "education"][: i % 3],
            "amount": -i if i % 2 else 2.5,
        },
        "hlc": (1_790_000_000_000 << 16) + 7 * i,
        "at": "2026-03-02T09:00:00.123456+00:00",
    } | extra


def update(i):
    return {
        "seq": 5000 + i,
        "id": str(uuid7()),
        "model": "people.Person",
        "record": str(uuid7()),
        "op": "update",
        "version": 3,
        "fields": {"phone": "+23566000001", "version": 3},
        "hlc": 12,
        "at": "2026-03-02T09:00:00+00:00",
        "author": str(uuid7()),
    }


def mixed():
    changes = [creation(i) for i in range(30)]
    # Interleaved: updates (too few alike to group), a delete, a creation carrying an author
    # (another set of attributes), values that look like UUIDs but are not one written the
    # usual way, and a 22-character text.
    changes[3:3] = [update(1), update(2)]
    changes.insert(10, {**update(3), "op": "delete", "fields": {}})
    changes.insert(15, creation(99, author=str(uuid7())))
    changes[20]["fields"]["code"] = str(uuid7()).upper()
    changes[21]["fields"]["code"] = "abcdefghijklmnopqrstuv"
    return changes


def travelled(message):
    """As the other side reads it: JSON, compressed and back."""
    return decompress(compress(message))


def test_unpack_gives_back_exactly_what_pack_received_in_order():
    changes = mixed()
    packed = travelled(pack(changes))
    assert unpack(packed) == changes
    # The creations alike went into one group of columns; the rest travel one object each.
    assert len(packed["columns"]) == 1
    assert len(packed["changes"]) == 4  # two updates, a delete, the creation with an author
    group = packed["columns"][0]
    assert group["model"] == "cases.Case"
    assert group["fields"]["person_id"][0] == "u"  # UUIDs in base64, 22 characters
    assert all(len(v) == 22 for v in group["fields"]["person_id"][1])
    assert group["fields"]["household_id"][0] == "u"  # nulls among them stay nulls
    assert group["attrs"]["hlc"][0] == "d"  # clock stamps as differences
    assert group["fields"]["sensitive"][0] == ""  # booleans are not integers
    assert group["fields"]["code"][0] == ""


def test_a_column_of_uuids_written_otherwise_stays_as_written():
    changes = [creation(i) for i in range(GROUP_MIN)]
    changes[0]["fields"]["person_id"] = changes[0]["fields"]["person_id"].upper()
    packed = travelled(pack(changes))
    assert packed["columns"][0]["fields"]["person_id"][0] == ""
    assert unpack(packed) == changes


def test_fewer_alike_than_a_group_stay_one_object_each():
    changes = [creation(i) for i in range(GROUP_MIN - 1)]
    assert pack(changes) == {"changes": changes}
    assert unpack_message({"changes": changes}) == {"changes": changes}


def test_columns_cost_less_than_one_object_per_change():
    changes = [creation(i) for i in range(50)]
    plain = len(compress({"changes": changes}))
    packed = len(compress(pack(changes)))
    assert packed < plain * 0.85, (packed, plain)


def malformed():
    good = travelled(pack([creation(i) for i in range(6)] + [update(1)]))
    group = good["columns"][0]

    def variant(change):
        copy = json.loads(json.dumps(good))
        change(copy, copy["columns"][0])
        return copy

    yield "position twice", variant(lambda m, g: g["pos"].__setitem__(1, ["", [0, 0, 1, 2, 3, 4]]))
    yield "position out", variant(lambda m, g: g["pos"].__setitem__(1, ["", [0, 1, 2, 3, 4, 99]]))
    yield "short column", variant(lambda m, g: g["fields"]["code"][1].pop())
    yield "unknown codec", variant(lambda m, g: g["fields"]["code"].__setitem__(0, "z"))
    yield "bad uuid", variant(lambda m, g: g["fields"]["person_id"][1].__setitem__(0, "x" * 21))
    yield "not integers", variant(lambda m, g: g["attrs"]["seq"][1].__setitem__(0, "1"))
    yield "no model", variant(lambda m, g: g.pop("model"))
    yield "pos not a list", variant(lambda m, g: g.__setitem__("pos", ["", 3]))
    yield "columns not a list", variant(lambda m, g: m.__setitem__("columns", {"a": 1}))
    yield "column not a pair", variant(lambda m, g: g["fields"].__setitem__("code", 5))
    assert group  # the variants above change a copy


@pytest.mark.parametrize(("what", "message"), list(malformed()), ids=lambda v: str(v)[:20])
def test_a_malformed_message_is_refused_whole(what, message):
    with pytest.raises(ValueError):
        unpack_message(message)


def test_uuid_columns_round_trip_every_uuid_version():
    values = [str(uuid.uuid4()), str(uuid7()), "00000000-0000-0000-0000-000000000000", None]
    changes = [creation(i) for i in range(len(values))]
    for change, value in zip(changes, values, strict=True):
        change["fields"]["person_id"] = value
    assert unpack(travelled(pack(changes))) == changes

"""Speaking to the exchange endpoint as a node would, from the tests."""

import json

from orienta.lib.ids import uuid7
from orienta.sync.wire import PROTOCOL, SCHEMA, compress, decompress, pack_message, unpack_message

ENROL = "/api/v1/sync/enrol"
EXCHANGE = "/api/v1/sync/exchange"


def enrol(client, code):
    response = client.post(ENROL, json.dumps({"code": code}), content_type="application/json")
    return response


def post(client, token, message, *, raw=False):
    """The message sent as a node writes it in its protocol (in columns from protocol 2); the
    answer read back with its changes one object each (`raw`: as it came)."""
    response = client.post(
        EXCHANGE,
        compress(pack_message(message, message.get("protocol", PROTOCOL))),
        content_type="application/json",
        headers={"Authorization": f"Node {token}", "Content-Encoding": "zstd"},
    )
    body = (
        decompress(response.content)
        if response.get("Content-Encoding") == "zstd"
        else response.json()
    )
    return response.status_code, (body if raw else unpack_message(body))


def message(node_id, *, changes=(), cursor=0, batch=None, schema=SCHEMA, max_bytes=48_000):
    return {
        "protocol": PROTOCOL,
        "schema": schema,
        "node": str(node_id),
        "batch": str(batch or uuid7()),
        "cursor": cursor,
        "changes": list(changes),
        "max_bytes": max_bytes,
    }


def change(model, record, op="update", *, fields, base_seq=0, base_version=1, author=None):
    return {
        "id": str(uuid7()),
        "model": model,
        "record": str(record),
        "op": op,
        "base_version": base_version,
        "base_seq": base_seq,
        "fields": fields,
        "author": str(author) if author else None,
        "hlc": 1,
        "at": "2026-03-02T09:00:00+00:00",
    }

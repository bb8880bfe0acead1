"""What travels: field values as JSON, the messages compressed with zstd, the hybrid clock."""

import base64
import json
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

import zstandard
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.duration import duration_iso_string

# The protocol's version, and the schema of the synced models: bump SCHEMA when a synced model
# changes; the central server accepts the current schema and the previous one (SYNC.md §8).
# Protocol 2 sends changes that share their model and fields in columns (`pack`); the central
# server also speaks protocol 1 (one object per change) and answers a node in its own protocol.
PROTOCOL = 2
PROTOCOLS = (1, 2)
SCHEMA = 1
# A batch, pushed or pulled, is cut at this many compressed bytes by default.
BATCH_BYTES = 48_000
MIN_BATCH_BYTES = 4_000


_PLAIN = frozenset({str, int, float, bool, type(None)})


def encode_value(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values, sent as they are
        return value
    if isinstance(value, FieldFile):
        return value.name or ""  # the file's name (the file itself is not sent yet)
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    return value


def row_values(row: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """The values of `row`'s concrete fields (by attname: `site_id`), JSON-ready."""
    fields = row._meta.concrete_fields
    return {
        f.attname: encode_value(getattr(row, f.attname))
        for f in fields
        if names is None or f.attname in names
    }


def decode_values(
    model: type[models.Model], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, Any]]:
    """Values received, as Python: (concrete fields by attname, many-to-many fields, unknown)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    m2m = {f.name for f in model._meta.many_to_many}
    concrete, many, unknown = {}, {}, {}
    for name, value in values.items():
        if name in by_attname:
            concrete[name] = None if value is None else by_attname[name].to_python(value)
        elif name in m2m:
            many[name] = list(value)
        else:
            unknown[name] = value
    return concrete, many, unknown


# ---------------------------------------------------------------------------------------------
# Protocol 2: changes in columns
# ---------------------------------------------------------------------------------------------
#
# A message's `changes` are a list of objects, each with its `model`, its attributes (id, record,
# op, seq or base_version, hlc, at…) and its `fields`. Protocol 2 moves the changes that share a
# model, a set of attributes and a set of field names (a pull's creations, mostly) into a group
# of columns: the names are written once, the values of one field sit side by side, UUIDs travel
# as 22 characters of base64 instead of 36, and counters (positions, sequence numbers, clock
# stamps) as differences. Compressed, a full row costs about a third less. `unpack` gives back
# exactly the changes `pack` received, in their order; what is not grouped stays as it was.
#
#   {"changes": [change, …],                  # those left alone, in order
#    "columns": [{"model": "cases.Case",
#                 "pos": [codec, [positions]],  # where the group's changes go in the list
#                 "attrs": {name: [codec, [values]]},
#                 "fields": {name: [codec, [values]]}}, …]}
#
# A codec says how a column's values are written: "" as they are, "d" integers as differences
# from the previous one, "u" UUIDs (or nulls) as url-safe base64 without padding.

# A set of changes this small stays one object per change (a group's names cost more).
GROUP_MIN = 4


def _encode_column(values: list[Any]) -> list[Any]:
    if values and all(type(v) is int for v in values):
        return ["d", [b - a for a, b in zip([0, *values], values, strict=False)]]
    if any(v is not None for v in values) and all(v is None or _is_uuid(v) for v in values):
        return ["u", [None if v is None else _b64(v) for v in values]]
    return ["", values]


def _decode_column(column: Any, size: int) -> list[Any]:
    if not isinstance(column, list) or len(column) != 2 or not isinstance(column[1], list):
        raise ValueError("a column is [codec, values]")
    codec, values = column
    if len(values) != size:
        raise ValueError("the columns of a group differ in length")
    if codec == "":
        return list(values)
    if codec == "d":
        out, total = [], 0
        for step in values:
            if type(step) is not int:
                raise ValueError("a column of differences holds integers")
            total += step
            out.append(total)
        return out
    if codec == "u":
        return [None if v is None else _unb64(v) for v in values]
    raise ValueError(f"unknown codec {codec!r}")


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _b64(value: str) -> str:
    return base64.urlsafe_b64encode(uuid.UUID(value).bytes).decode()[:22]


def _unb64(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 22:
        raise ValueError("a UUID is 22 characters of base64")
    return str(uuid.UUID(bytes=base64.urlsafe_b64decode(value + "==")))


def pack(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """`changes` as protocol 2 sends them: {"changes": [...], "columns": [...]}."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for pos, change in enumerate(changes):
        fields = change.get("fields")
        if not isinstance(fields, dict) or not isinstance(change.get("model"), str):
            continue
        key = (change["model"], tuple(change), tuple(fields))
        groups.setdefault(key, []).append(pos)
    grouped: set[int] = set()
    columns = []
    for (model, attrs, names), positions in groups.items():
        if len(positions) < GROUP_MIN:
            continue
        members = [changes[p] for p in positions]
        grouped.update(positions)
        columns.append(
            {
                "model": model,
                "pos": _encode_column(positions),
                "attrs": {
                    name: _encode_column([c[name] for c in members])
                    for name in attrs
                    if name not in ("model", "fields")
                },
                "fields": {
                    name: _encode_column([c["fields"][name] for c in members]) for name in names
                },
            }
        )
    rest = [c for pos, c in enumerate(changes) if pos not in grouped]
    return {"changes": rest, "columns": columns} if columns else {"changes": rest}


def unpack(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes of a protocol 2 `message`, one object each, in order. Raises ValueError on
    a malformed message."""
    rest = message.get("changes") or []
    groups = message.get("columns") or []
    if not isinstance(rest, list) or not isinstance(groups, list):
        raise ValueError("changes and columns are lists")
    placed: dict[int, dict[str, Any]] = {}
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("model"), str):
            raise ValueError("a group of columns names its model")
        attrs, fields = group.get("attrs") or {}, group.get("fields") or {}
        if not isinstance(attrs, dict) or not isinstance(fields, dict):
            raise ValueError("a group's attrs and fields are objects")
        pos = group.get("pos")
        if not (isinstance(pos, list) and len(pos) == 2 and isinstance(pos[1], list)):
            raise ValueError("a group's positions are [codec, values]")
        size = len(pos[1])
        if size > 5000:
            raise ValueError("a group holds at most 5,000 changes")
        positions = _decode_column(pos, size)
        attr_values = {name: _decode_column(col, size) for name, col in attrs.items()}
        field_values = {name: _decode_column(col, size) for name, col in fields.items()}
        for i, p in enumerate(positions):
            if type(p) is not int or p in placed:
                raise ValueError("a position is given twice")
            change = {name: values[i] for name, values in attr_values.items()}
            change["model"] = group["model"]
            change["fields"] = {name: values[i] for name, values in field_values.items()}
            placed[p] = change
    total = len(rest) + len(placed)
    if any(not 0 <= p < total for p in placed):
        raise ValueError("a position is out of the message")
    others = iter(rest)
    return [placed[p] if p in placed else next(others) for p in range(total)]


def pack_message(message: dict[str, Any], protocol: int) -> dict[str, Any]:
    """`message` as `protocol` sends it (protocol 1: unchanged)."""
    if protocol < 2 or not message.get("changes"):
        return message
    return {k: v for k, v in message.items() if k != "changes"} | pack(message["changes"])


def unpack_message(message: Any) -> Any:
    """A message received, its changes one object each whatever the protocol it came in."""
    if not isinstance(message, dict) or "columns" not in message:
        return message
    try:
        changes = unpack(message)
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"malformed columns: {exc}") from exc
    return {k: v for k, v in message.items() if k != "columns"} | {"changes": changes}


_compressor = threading.local()


def compress(message: Any) -> bytes:
    data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    if not hasattr(_compressor, "c"):
        _compressor.c = zstandard.ZstdCompressor(level=6)
    return bytes(_compressor.c.compress(data))


def decompress(data: bytes, *, limit: int = 64 * 1024 * 1024) -> Any:
    """The message in `data`; at most `limit` bytes once decompressed (a zip bomb is refused)."""
    reader = zstandard.ZstdDecompressor().stream_reader(data)
    raw = reader.read(limit + 1)
    if len(raw) > limit:
        raise ValueError("message too large")
    return json.loads(raw)


class Clock:
    """A hybrid logical clock: milliseconds of the wall clock in the high bits, a counter in the
    low 16; never goes back, and moves past any stamp it has seen from the other side (so a
    node whose clock is hours late still stamps its changes after those it has received)."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()
        # Whether a node's clock has read the stamps stored before this process started.
        self.seeded = False

    def now(self) -> int:
        with self._lock:
            wall = int(time.time() * 1000) << 16
            self._last = max(self._last + 1, wall)
            return self._last

    def observe(self, stamp: int) -> None:
        with self._lock:
            self._last = max(self._last, stamp)


clock = Clock()

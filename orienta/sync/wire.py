"""What travels: field values as JSON, the messages compressed with zstd, the hybrid clock."""

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
PROTOCOL = 1
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

"""Identifiers: time-ordered UUIDs made where the record is created."""

import uuid

import uuid6


def uuid7() -> uuid.UUID:
    """A UUIDv7: sortable by creation time, safe to make on an offline node."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)

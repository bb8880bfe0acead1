"""What the sync API reads and writes (the exchange's body is this JSON compressed with zstd)."""

from typing import Any
from uuid import UUID

from ninja import Field, Schema


class EnrolIn(Schema):
    code: str = Field(max_length=40, description="The one-time code printed by sync_node_create.")
    app_version: str = Field("", max_length=20)


class EnrolOut(Schema):
    node: UUID
    number: int = Field(description="The node's part of the codes it makes (N1, N2…).")
    site: UUID
    site_code: str
    token: str = Field(description="The node's credential: `Authorization: Node <token>`.")
    code_block: int | None = Field(
        None, description="The node's block of referral references (Z and two letters)."
    )


class ChangeIn(Schema):
    id: UUID = Field(description="The change id, unique: a change sent again is applied once.")
    model: str = Field(max_length=60, description="app_label.Model")
    record: str = Field(max_length=64)
    op: str = Field(description="create, update or delete")
    base_version: int = 0
    base_seq: int = Field(0, description="The node's cursor when the change was made.")
    fields: dict[str, Any] = Field(default_factory=dict, description="Changed fields only.")
    author: UUID | None = None
    hlc: int = Field(description="Hybrid logical clock stamp.")
    at: str


class ColumnGroup(Schema):
    """Protocol 2: changes sharing a model, attributes and field names, by column. A column is
    [codec, values]: codec "" values as they are, "d" integers as differences from the previous
    one (the first from 0), "u" UUIDs (or nulls) in url-safe base64 without padding."""

    model: str
    pos: list[Any] = Field(description="[codec, positions of the group's changes in the list]")
    attrs: dict[str, list[Any]] = Field(description="The changes' attributes (id, record, op…).")
    fields: dict[str, list[Any]] = Field(description="The changes' fields, a column each.")


COLUMNS = Field(
    None,
    description="Protocol 2: the changes grouped in columns; `changes` holds the others, and "
    "the group's positions say where each change goes in the whole list.",
)


class ExchangeIn(Schema):
    protocol: int
    schema_: int = Field(alias="schema")
    node: UUID
    batch: UUID | None = Field(None, description="Unique per batch: sent again, same answer.")
    cursor: int = Field(0, description="The last sequence number pulled.")
    changes: list[ChangeIn] = Field(default_factory=list, max_length=5000)
    columns: list[ColumnGroup] | None = COLUMNS
    backlog: int = 0
    app_version: str = ""
    max_bytes: int = Field(48_000, description="The compressed size the answer's pull may reach.")
    check: dict[str, list[Any]] | None = Field(
        None,
        description="Every few syncs, once nothing remains to pull: per synced model of the "
        "node's partition, [count, hash of the (id, version) pairs]; the answer's `mismatch` "
        "names the models that differ at the central server.",
    )
    wiped: bool = Field(False, description="The node erased its data on the server's order.")
    repair: dict[str, str] | None = Field(
        None,
        description='A model to pull again in full after a mismatch: {"model": label, '
        '"after": the last id received}.',
    )


class AckOut(Schema):
    id: UUID
    status: str = Field(
        description="applied, merged, conflict, rejected, or pending (the record's creation has "
        "not arrived yet: send the change again)"
    )
    reason: str = ""


class PulledOut(Schema):
    seq: int
    id: UUID
    model: str
    record: str
    op: str
    version: int
    fields: dict[str, Any]
    hlc: int
    at: str
    author: UUID | None = None


class ExchangeOut(Schema):
    protocol: int
    schema_: int = Field(alias="schema")
    acks: list[AckOut]
    changes: list[PulledOut]
    columns: list[ColumnGroup] | None = COLUMNS
    cursor: int
    more: bool
    allowance: str | None = Field(
        None, description="What the node may approve from its site's fund until it syncs again."
    )
    currency: str = ""
    code_block: int | None = None
    mismatch: list[str] | None = Field(
        None, description="The models whose count or hash differ (when a check was sent)."
    )
    repair_rows: list[dict[str, Any]] | None = Field(
        None, description="The rows of the model asked in `repair`, whole, by id."
    )
    repair_more: bool = False


class StopOut(Schema):
    detail: str
    stop: bool
    wipe: bool

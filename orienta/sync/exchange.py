"""The central server's side of an exchange: a node's batch in, acknowledgements and the changes
of its partition out (SYNC.md §4–5)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orienta.sync import integrity
from orienta.sync.allowance import allowance_now
from orienta.sync.apply import PENDING, apply_pushed, receipts_of
from orienta.sync.models import Batch, Change, Counter, Node
from orienta.sync.services import free_block
from orienta.sync.wire import BATCH_BYTES, MIN_BATCH_BYTES, PROTOCOLS, SCHEMA, compress, pack

# A pull never carries more rows than this, whatever their size.
PULL_ROWS = 2000
# The compressed size is checked every this many rows while a pull is filled.
CHECK_EVERY = 25


class Upgrade(Exception):
    """The node speaks a protocol or schema this server no longer accepts."""


def check_versions(protocol: int, schema: int) -> None:
    if protocol not in PROTOCOLS or schema not in (SCHEMA, SCHEMA - 1):
        accepted = " or ".join(str(p) for p in PROTOCOLS)
        raise Upgrade(f"protocol {accepted} and schema {SCHEMA - 1} or {SCHEMA} are accepted")


def exchange(*, node: Node, message: dict[str, Any]) -> dict[str, Any]:
    """One round trip: apply the batch (once, whatever the number of times it is sent), then
    answer the changes since the node's cursor."""
    protocol = message["protocol"]
    check_versions(protocol, message["schema"])
    acks = _push(node, message)
    limit = max(MIN_BATCH_BYTES, min(int(message.get("max_bytes") or BATCH_BYTES), 1_000_000))
    cursor = int(message.get("cursor") or 0)
    changes, cursor, more = pull(node=node, cursor=cursor, max_bytes=limit, protocol=protocol)
    amount, currency = allowance_now(node)
    answer = {
        "protocol": protocol,  # the node's: the answer is written as it reads
        "schema": SCHEMA,
        "acks": acks,
        "changes": changes,
        "cursor": cursor,
        "more": more,
        "allowance": amount,
        "currency": currency,
        "code_block": _code_block(node),
    }
    if message.get("check") is not None and not changes and not message.get("changes"):
        answer["mismatch"] = _check(node, message["check"])
    if message.get("repair"):
        rows, repair_more = _repair(node, message["repair"])
        answer |= {"repair_rows": rows, "repair_more": repair_more}
    return answer


def _code_block(node: Node) -> int | None:
    """The node's block of referral references (given now to a node enrolled before blocks)."""
    if node.code_block is None and node.revoked_at is None:
        with transaction.atomic():
            locked = Node.objects.select_for_update().get(pk=node.pk)
            if locked.code_block is None:
                locked.code_block = free_block()
                locked.save(update_fields=["code_block"])
            node.code_block = locked.code_block
    return node.code_block


def _check(node: Node, theirs: dict[str, Any]) -> list[str]:
    """Compare the node's counts and hashes with the central server's (the node is up to date:
    nothing pushed, nothing pulled in this round trip); kept for the page of nodes."""
    differing = integrity.mismatched(node.site_id, theirs)
    Node.objects.filter(pk=node.pk).update(checked_at=timezone.now(), mismatch=differing)
    return differing


def _repair(node: Node, repair: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    try:
        return integrity.rows_page(
            node.site_id, str(repair.get("model") or ""), str(repair.get("after") or "")
        )
    except (LookupError, ValueError, ValidationError):
        return [], False


def _push(node: Node, message: dict[str, Any]) -> list[dict[str, Any]]:
    batch_id = message.get("batch")
    with transaction.atomic():
        # One exchange of a node at a time: a batch sent twice at once waits for the first.
        locked = Node.objects.select_for_update().get(pk=node.pk)
        stored = Batch.objects.filter(pk=batch_id).first() if batch_id else None
        if stored is not None and stored.node_id == locked.pk:
            acks = _retry_pending(locked, stored, message)
        elif stored is not None:
            acks = [
                {"id": c["id"], "status": "rejected", "reason": "batch id already used"}
                for c in message.get("changes", [])
            ]
        else:
            changes = message.get("changes", [])
            receipts = receipts_of(changes)
            acks = [apply_pushed(locked, change, receipts=receipts) for change in changes]
            if batch_id:
                Batch.objects.create(id=batch_id, node=locked, acks=acks)
        locked.last_contact_at = timezone.now()
        locked.backlog = max(0, int(message.get("backlog") or 0))
        locked.app_version = str(message.get("app_version") or "")[:20]
        locked.save(update_fields=["last_contact_at", "backlog", "app_version"])
    return acks


def _retry_pending(node: Node, stored: Batch, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The stored answer of a batch sent again; its changes that were pending (their record's
    creation had not arrived: batches reordered) are tried again."""
    if all(ack["status"] != PENDING for ack in stored.acks):
        return list(stored.acks)
    sent = {str(c["id"]): c for c in message.get("changes", [])}
    acks = [
        apply_pushed(node, sent[ack["id"]])
        if ack["status"] == PENDING and ack["id"] in sent
        else ack
        for ack in stored.acks
    ]
    stored.acks = acks
    stored.save(update_fields=["acks"])
    return acks


def horizon() -> int:
    """The last sequence number committed (changes up to it are all visible)."""
    return Counter.objects.filter(name="seq").values_list("value", flat=True).first() or 0


def pull(
    *, node: Node, cursor: int, max_bytes: int, protocol: int = PROTOCOLS[-1]
) -> tuple[list[dict[str, Any]], int, bool]:
    """The changes of the node's partition after `cursor`, at most `max_bytes` compressed (as
    `protocol` writes them); the next cursor; whether more remain. The node's own changes are
    not sent back."""
    top = horizon()
    rows = list(
        Change.objects.filter(
            Q(site_id=node.site_id) | Q(shared=True), seq__gt=cursor, seq__lte=top
        )
        .exclude(origin=node.pk)
        .order_by("seq")[: PULL_ROWS + 1]
    )
    more = len(rows) > PULL_ROWS
    rows = rows[:PULL_ROWS]
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows, 1):
        out.append(_message(row))
        if i % CHECK_EVERY == 0 and _size(out, protocol) > max_bytes:
            out = out[: max(i - CHECK_EVERY, 1)]
            more = True
            break
    if not out:
        return [], max(cursor, top), False
    if len(out) < len(rows):
        more = True
    last = out[-1]["seq"]
    return out, (last if more else max(last, top)), more


def _size(out: list[dict[str, Any]], protocol: int) -> int:
    """The compressed bytes of `out` as `protocol` writes it."""
    return len(compress(pack(out) if protocol >= 2 else out))


def _message(row: Change) -> dict[str, Any]:
    message = {
        "seq": row.seq,
        "id": str(row.change_id),
        "model": row.model,
        "record": row.record,
        "op": row.op,
        "version": row.version,
        "fields": row.fields,
        "hlc": row.hlc,
        "at": row.at.isoformat(),
    }
    if row.author:
        message["author"] = str(row.author)
    return message

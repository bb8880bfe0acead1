"""The node's side: enrolment, and the exchanges that push its outbox and pull its partition.

A sync is a loop of round trips until nothing remains either way. Each round trip sends one
batch (cut at the compressed size the last answers allowed) and the cursor; the answer's
acknowledgements, pulled changes and new cursor are committed together. A batch is tied to its
rows before it leaves, so after a cut connection the same batch (same id) is sent again and the
central server answers what it stored the first time: nothing is applied twice, nothing lost.
"""

import contextlib
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from orienta.lib.ids import uuid7
from orienta.sync import capture, classification, integrity
from orienta.sync.apply import PENDING, apply_pulled
from orienta.sync.models import Change, NodeState
from orienta.sync.wire import (
    BATCH_BYTES,
    MIN_BATCH_BYTES,
    PROTOCOL,
    SCHEMA,
    compress,
    decode_values,
    decompress,
    pack,
    pack_message,
    unpack_message,
)

APP_VERSION = f"{PROTOCOL}.{SCHEMA}"
TIMEOUT = 60
ROUNDS = 10_000
# The protocol each central server answered in (a server older than this node speaks 1).
_spoken: dict[str, int] = {}


class SyncError(Exception):
    """The exchange did not complete; what was committed stays, the rest is sent again."""


class Stopped(SyncError):
    """The central server revoked this node."""


class Wiped(Stopped):
    """The central server revoked this node and ordered its data erased: it is."""


@dataclass
class Outcome:
    pushed: int = 0
    pulled: int = 0
    rounds: int = 0
    conflicts: int = 0
    rejected: int = 0
    quarantined: int = 0
    pending: int = 0


def _post(url: str, body: bytes, *, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)
    except (OSError, urllib.error.URLError) as exc:
        raise SyncError(f"no answer from the central server: {exc}") from exc


def _json(status: int, body: bytes, headers: dict[str, str]) -> Any:
    try:
        if headers.get("Content-Encoding", headers.get("content-encoding", "")) == "zstd":
            return unpack_message(decompress(body))
        return unpack_message(json.loads(body or b"{}"))
    except ValueError as exc:
        raise SyncError(f"unreadable answer (HTTP {status})") from exc


def enrol(*, central: str, code: str) -> NodeState:
    """Register this node at the central server with a one-time code; keep its credential."""
    if NodeState.objects.exists():
        raise SyncError("this node is already enrolled")
    if _holds_site_records():
        raise SyncError("this database already holds records: enrol a node on an empty database")
    url = central.rstrip("/") + "/api/v1/sync/enrol"
    body = json.dumps({"code": code, "app_version": APP_VERSION}).encode()
    status, raw, headers = _post(url, body, headers={"Content-Type": "application/json"})
    answer = _json(status, raw, headers)
    if status != 200:
        raise SyncError(answer.get("detail") or f"HTTP {status}")
    with transaction.atomic():
        _clear_reference()
        return NodeState.objects.create(
            pk=1,
            central_url=central.rstrip("/"),
            node_id=answer["node"],
            number=answer["number"],
            site_id=answer["site"],
            site_code=answer["site_code"],
            token=answer["token"],
            code_block=answer.get("code_block"),
        )


def _holds_site_records() -> bool:
    return any(
        model._base_manager.exists()
        for model in classification.synced_models()
        if (rule := classification.rule_for(model)) is not None and rule.kind == "site"
    )


def _clear_reference() -> None:
    """The rows `migrate` seeded here (countries, themes) are replaced by the central server's,
    which have their own ids: the first pull brings them all."""
    with capture.applying():
        for model in reversed(classification.synced_models()):
            rule = classification.rule_for(model)
            if rule is not None and rule.kind == "reference":
                model._base_manager.all().delete()


def outbox() -> "Any":
    return Change.objects.filter(ack="").order_by("id")


def _batch(
    state: NodeState, max_bytes: int, protocol: int = PROTOCOL
) -> tuple[str | None, list[Change]]:
    """The batch to send: the one sent and not answered, or a new one up to `max_bytes` (as
    `protocol` writes it)."""
    pending = list(outbox().exclude(batch=None)[:5000])
    if pending:
        batch_id = pending[0].batch
        return str(batch_id), [c for c in pending if c.batch == batch_id]
    rows = list(outbox()[:500])
    if not rows:
        return None, []
    chosen: list[Change] = []
    for row in rows:
        chosen.append(row)
        if len(chosen) % 10 == 0 and _size([_message(c) for c in chosen], protocol) > max_bytes:
            chosen = chosen[:-10] or chosen[:1]
            break
    batch_id = uuid7()
    Change.objects.filter(pk__in=[c.pk for c in chosen]).update(batch=batch_id)
    for c in chosen:
        c.batch = batch_id
    return str(batch_id), chosen


def _size(messages: list[dict[str, Any]], protocol: int) -> int:
    return len(compress(pack(messages) if protocol >= 2 else messages))


def _message(change: Change) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": str(change.change_id),
        "model": change.model,
        "record": change.record,
        "op": change.op,
        "base_version": change.base_version,
        "base_seq": change.base_seq or 0,
        "fields": change.fields,
        "hlc": change.hlc,
        "at": change.at.isoformat(),
    }
    if change.author:
        message["author"] = str(change.author)
    return message


def round_trip(
    state: NodeState,
    *,
    max_bytes: int = BATCH_BYTES,
    cut: Any = None,
    extra: dict[str, Any] | None = None,
    seen: Any = None,
) -> tuple[Outcome, bool]:
    """One request and its answer, committed. Returns what it did and whether more remains.
    `cut(step)` lets the tests cut the link at a step ("before" sending, "after" the server
    answered and before the answer is read, "pull" in the middle of applying a pull)."""
    protocol = _spoken.get(state.central_url, PROTOCOL)
    batch_id, rows = (None, []) if extra else _batch(state, max_bytes, protocol)
    message = (extra or {}) | {
        "protocol": protocol,
        "schema": SCHEMA,
        "node": str(state.node_id),
        "batch": batch_id,
        "cursor": state.cursor,
        "changes": [_message(c) for c in rows],
        "backlog": outbox().count(),
        "app_version": APP_VERSION,
        "max_bytes": max_bytes,
    }
    if cut:
        cut("before")
    status, raw, headers = _send(state, pack_message(message, protocol))
    if status == 426 and protocol > 1:
        # A central server older than this node: it is spoken to in protocol 1 from now on.
        _spoken[state.central_url] = protocol = 1
        status, raw, headers = _send(state, message | {"protocol": 1})
    if cut:
        cut("after")
    answer = _json(status, raw, headers)
    if status == 403 and answer.get("stop"):
        NodeState.objects.filter(pk=1).update(stopped=True, wipe=bool(answer.get("wipe")))
        if answer.get("wipe"):
            wipe(state)
            raise Wiped("the central server revoked this node; its data is erased, as ordered")
        raise Stopped(answer.get("detail") or "revoked")
    if status != 200:
        raise SyncError(answer.get("detail") or f"HTTP {status}")
    done = _commit(state, rows, answer, cut=cut)
    if seen:
        seen(answer)
    return done


def _send(state: NodeState, message: dict[str, Any]) -> tuple[int, bytes, dict[str, str]]:
    return _post(
        state.central_url + "/api/v1/sync/exchange",
        compress(message),
        headers={
            "Content-Type": "application/json",
            "Content-Encoding": "zstd",
            "Authorization": f"Node {state.token}",
        },
    )


def _commit(
    state: NodeState, rows: list[Change], answer: dict[str, Any], *, cut: Any = None
) -> tuple[Outcome, bool]:
    """The answer, committed at once: acknowledgements, pulled changes, cursor and what the
    central server said of the node (its allowance, its block of references). A failure in the
    middle (a cut, a crash) leaves nothing of it: the same pull comes again from the cursor."""
    outcome = Outcome(pushed=len(rows), rounds=1)
    by_id = {str(c.change_id): c for c in rows}
    holding = connection.in_atomic_block  # batches held in one transaction (`Waiting`)
    with transaction.atomic():
        for ack in answer.get("acks", []):
            row = by_id.get(ack["id"])
            if row is None:
                continue
            if ack["status"] == PENDING:  # sent again in a later batch
                Change.objects.filter(pk=row.pk).update(batch=None)
                outcome.pending += 1
                continue
            Change.objects.filter(pk=row.pk).update(ack=ack["status"], reason=ack.get("reason", ""))
            outcome.conflicts += ack["status"] == "conflict"
            outcome.rejected += ack["status"] == "rejected"
        for i, change in enumerate(answer.get("changes", [])):
            if cut and i == len(answer["changes"]) // 2:
                cut("pull")
            if change["seq"] <= state.cursor:
                continue  # pulled already (an answer received twice)
            outcome.pulled += 1
            outcome.quarantined += not apply_pulled(change)
            state.hlc = max(state.hlc, int(change.get("hlc") or 0))
        state.cursor = max(state.cursor, int(answer["cursor"]))
        _keep_terms(state, answer)
        state.save(update_fields=["cursor", "allowance", "allowance_currency", "code_block", "hlc"])
        more = bool(answer.get("more")) or outbox().exists()
        if more and not holding and _dangling(answer.get("changes", [])):
            raise Waiting
    return outcome, more


class Waiting(Exception):
    """Rows of a pulled batch refer to records that come in a later batch (a parent journaled
    after its children: records seeded by migrations and journaled at the first enrolment, a
    record moved into the site's partition): the batches are applied in one transaction until
    every reference is met."""


def _dangling(changes: list[dict[str, Any]]) -> bool:
    """Whether rows of the tables these changes wrote refer to rows this node does not hold
    (SQLite checks foreign keys only at the commit)."""
    if connection.vendor != "sqlite":
        return False
    tables = set()
    for change in changes:
        try:
            model = apps.get_model(change["model"])
        except (LookupError, ValueError):
            continue
        tables.add(model._meta.db_table)
        tables.update(f.remote_field.through._meta.db_table for f in model._meta.many_to_many)
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"PRAGMA foreign_key_check({connection.ops.quote_name(table)})")
            if cursor.fetchone() is not None:
                return True
    return False


def _keep_terms(state: NodeState, answer: dict[str, Any]) -> None:
    amount = answer.get("allowance")
    state.allowance = Decimal(amount) if amount not in (None, "") else None
    state.allowance_currency = str(answer.get("currency") or "")[:3]
    if answer.get("code_block") is not None:
        state.code_block = int(answer["code_block"])


def wipe(state: NodeState) -> None:
    """Erase this node's data on the central server's order (a stolen or lost laptop): every
    row of every table but this node's own state, in one transaction; then the files kept on
    disk (fund receipts, uploaded documents, exports: everything under the node's MEDIA_ROOT)
    and the freed pages of the database file; then say so to the central server. The node no
    longer syncs, and nobody can sign in to it."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    keep = {NodeState, ContentType, Permission}
    files = _stored_files()
    with transaction.atomic(), capture.applying():
        for model in apps.get_models(include_auto_created=True):
            if model in keep or model._meta.proxy or not model._meta.managed:
                continue
            model._base_manager.all()._raw_delete(connection.alias)
        NodeState.objects.filter(pk=1).update(
            stopped=True, wipe=True, wiped_at=timezone.now(), allowance=None, counters={}
        )
    _erase_files(files)
    _compact()
    message = {
        "protocol": PROTOCOL,
        "schema": SCHEMA,
        "node": str(state.node_id),
        "wiped": True,
    }
    try:
        _send(state, message)
    except SyncError:
        pass  # the erasure is done; the central server learns it at the next contact
    else:
        NodeState.objects.filter(pk=1).update(token="")


def _stored_files() -> list[tuple[Any, str]]:
    """The files the rows of this node name (each file field's storage, and the name)."""
    from django.db.models import FileField

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                names = model._base_manager.exclude(**{field.attname: ""})
                for name in names.values_list(field.attname, flat=True):
                    found.append((field.storage, name))
    return found


def _erase_files(files: list[tuple[Any, str]]) -> None:
    """The files named by the rows, wherever their storage keeps them, then whatever else is
    under MEDIA_ROOT (exports, files of rows already gone): a node's MEDIA_ROOT is its own."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    for storage, name in files:
        with contextlib.suppress(OSError):  # erased below with the rest, or already gone
            storage.delete(name)
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    if root is None or not root.is_dir():
        return
    for path in root.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _compact() -> None:
    """SQLite keeps deleted rows in free pages until the file is rewritten: rewrite it."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# The integrity check
# =============================================================================================

CHECK_EVERY = timedelta(hours=6)


def check_due(state: NodeState) -> bool:
    return state.checked_at is None or state.checked_at < timezone.now() - CHECK_EVERY


def check(state: NodeState, *, cut: Any = None) -> list[str]:
    """Compare the node's partition with the central server's (counts and hashes of (id,
    version) per model); pull each model that differs again in full. Returns the models that
    still differ after the repair ([] when all agree)."""
    differing = _compare(state, cut=cut)
    if differing is None:
        return []  # something arrived meanwhile: checked at the next sync
    repaired = []
    for label in differing:
        repair(state, label, cut=cut)
        repaired.append(label)
    remaining = _compare(state, cut=cut) if repaired else []
    NodeState.objects.filter(pk=1).update(
        checked_at=timezone.now(), mismatch=remaining or [], repaired=repaired
    )
    return remaining or []


def _compare(state: NodeState, *, cut: Any = None) -> list[str] | None:
    answer = _exchange_once(state, {"check": integrity.partition_digest(state.site_id)}, cut=cut)
    return answer.get("mismatch")


def _exchange_once(state: NodeState, extra: dict[str, Any], *, cut: Any = None) -> dict[str, Any]:
    """One round trip carrying `extra` (no batch); its pulled changes committed as usual."""
    captured: dict[str, Any] = {}

    def keep(answer: dict[str, Any]) -> None:
        captured.update(answer)

    round_trip(state, cut=cut, extra=extra, seen=keep)
    return captured


def repair(state: NodeState, label: str, *, cut: Any = None) -> int:
    """Pull every row of the site's `label` again; remove those the central server does not
    hold. Returns how many rows were written."""
    model = apps.get_model(label)
    rule = classification.rule_for(model)
    assert rule is not None
    after, ids, written = "", set(), 0
    while True:
        answer = _exchange_once(state, {"repair": {"model": label, "after": after}}, cut=cut)
        rows = answer.get("repair_rows") or []
        with transaction.atomic(), capture.applying():
            for row in rows:
                _overwrite(model, row)
                ids.add(row["record"])
                written += 1
        if not rows or not answer.get("repair_more"):
            break
        after = rows[-1]["record"]
    with transaction.atomic(), capture.applying():
        extra = integrity.rows_of(model, rule, state.site_id).exclude(pk__in=ids)
        extra.delete()
    return written


def _overwrite(model: Any, row: dict[str, Any]) -> None:
    concrete, many, _unknown = decode_values(model, row["fields"])
    pk = model._meta.pk.to_python(row["record"])
    if model._base_manager.filter(pk=pk).exists():
        concrete.pop(model._meta.pk.attname, None)
        model._base_manager.filter(pk=pk).update(**concrete)
        instance = model._base_manager.get(pk=pk)
    else:
        instance = model(**concrete)
        instance.save(force_insert=True)
    for name, pks in many.items():
        getattr(instance, name).set(pks)


ATTEMPTS = 3


def sync(*, max_bytes: int = BATCH_BYTES, cut: Any = None, force_check: bool = False) -> Outcome:
    """Push and pull until nothing remains, then check the partition when it is due; raises
    SyncError when it could not complete."""
    state = NodeState.objects.filter(pk=1).first()
    if state is None:
        raise SyncError("this node is not enrolled (manage.py sync_enrol)")
    if state.wiped_at is not None:
        raise Wiped("the central server revoked this node; its data was erased, as ordered")
    if state.stopped:
        # Revoked: it sends nothing more, but asks whether a wipe was ordered since.
        round_trip(state, extra={"changes": []})
        raise Stopped("the central server revoked this node")
    NodeState.objects.filter(pk=1).update(last_attempt_at=timezone.now())
    try:
        total = _rounds(state, max_bytes=max_bytes, cut=cut)
        if force_check or check_due(state):
            check(state, cut=cut)
    except SyncError as exc:
        NodeState.objects.filter(pk=1).update(
            last_error=str(exc)[:500], failures=state.failures + 1
        )
        raise
    NodeState.objects.filter(pk=1).update(last_success_at=timezone.now(), last_error="", failures=0)
    return total


def _rounds(state: NodeState, *, max_bytes: int, cut: Any) -> Outcome:
    """Round trips until nothing remains. A failed one is tried again with batches half the
    size (the changes of the batch that failed may be in a smaller one: the central server
    answers each change id once)."""
    total = Outcome()
    failures = 0
    held = _Held(state)
    try:
        for _ in range(ROUNDS):
            try:
                outcome, more = round_trip(state, max_bytes=max_bytes, cut=cut)
            except Waiting:
                held.open()
                continue
            except Stopped:
                raise
            except SyncError:
                held.drop()
                failures += 1
                if failures >= ATTEMPTS:
                    raise
                max_bytes = max(MIN_BATCH_BYTES, max_bytes // 2)
                outbox().exclude(batch=None).update(batch=None)
                continue
            _add(total, outcome)
            if outcome.pending and outcome.pending == outcome.pushed and not outcome.pulled:
                raise SyncError("changes wait for a record the central server does not hold yet")
            if not more:
                held.commit()
                return total
        raise SyncError("too many round trips")
    finally:
        held.drop()  # an error or a cut: nothing of the held batches is kept


def _add(total: Outcome, outcome: Outcome) -> None:
    for name in ("pushed", "pulled", "rounds", "conflicts", "rejected", "quarantined"):
        setattr(total, name, getattr(total, name) + getattr(outcome, name))


class _Held:
    """One transaction over several batches while pulled rows wait for their parents
    (`Waiting`); none until a batch needs it."""

    def __init__(self, state: NodeState) -> None:
        self.state = state
        self.span: Any = None

    def open(self) -> None:
        self.state.refresh_from_db()  # the batch that waited was rolled back
        self.span = transaction.atomic()
        self.span.__enter__()

    def drop(self) -> None:
        """Roll back what was held: the pull comes again from the cursor."""
        if self.span is None:
            return
        span, self.span = self.span, None
        transaction.set_rollback(True)
        span.__exit__(None, None, None)
        self.state.refresh_from_db()

    def commit(self) -> None:
        """Every reference met (or the error says which is not)."""
        if self.span is None:
            return
        span, self.span = self.span, None
        try:
            span.__exit__(None, None, None)
        except IntegrityError as exc:
            self.state.refresh_from_db()
            raise SyncError(f"pulled records refer to records this node lacks: {exc}") from exc

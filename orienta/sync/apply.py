"""Applying changes received from the other side.

At the central server (`apply_pushed`): a node's change is checked against the node's site,
merged field by field against the server's changes the node had not seen (the three-way merge:
the changes journaled after the node's `base_seq` by anyone else), applied, journaled with its
own change id and a sequence number, and acknowledged. A field both sides changed keeps the
server's value and becomes a `Conflict` for a supervisor; so does any concurrent change of an
identity field, and a deletion (tombstone) concurrent with an edit.

At a node (`apply_pulled`): the central server's order is authoritative, so each pulled change
is applied as it comes; one that cannot be is kept in `Quarantine` with its error.
"""

from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from orienta.core.models import BaseModel
from orienta.sync import allowance, capture
from orienta.sync.classification import BOOKKEEPING, Rule, rules
from orienta.sync.models import Ack, Change, Conflict, Node, Op, Quarantine, Receipt
from orienta.sync.wire import clock, decode_values, encode_value

TOMBSTONE = "deleted_at"


class Rejected(Exception):
    """A change that cannot be applied; its message is the reason sent back to the node."""


class NotYet(Exception):
    """A change of a record the central server does not hold yet (its creation comes in a batch
    still on its way): answered `pending`, not stored, so the node sends it again."""


PENDING = "pending"


def _model(label: str) -> type[models.Model]:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise Rejected(f"unknown model {label}") from exc


def _set_values(row: models.Model, concrete: dict[str, Any]) -> None:
    for name, value in concrete.items():
        setattr(row, name, value)


def _set_many(row: models.Model, many: dict[str, list[str]]) -> None:
    for name, pks in many.items():
        getattr(row, name).set(pks)


def _add_many(row: models.Model, many: dict[str, list[str]]) -> None:
    """The sets of a row just created (it has none yet: `add` spares `set`'s reading)."""
    for name, pks in many.items():
        if pks:
            getattr(row, name).add(*pks)


# The central server
# =============================================================================================


def receipts_of(changes: list[dict[str, Any]]) -> dict[str, Receipt]:
    """The receipts already given to these changes, by change id (one query for a batch)."""
    ids = [str(c["id"]) for c in changes if c.get("id")]
    return {str(r.change_id): r for r in Receipt.objects.filter(change_id__in=ids)}


def apply_pushed(
    node: Node, change: dict[str, Any], *, receipts: dict[str, Receipt] | None = None
) -> dict[str, Any]:
    """Apply one change pushed by `node`; its acknowledgement (stored: asked again, the same).
    `receipts`: those of the batch, read at once by `receipts_of`, and kept up to date here
    (a change id twice in one batch is applied once)."""
    change_id = change["id"]
    if receipts is None:
        known = Receipt.objects.filter(change_id=change_id).first()
    else:
        known = receipts.get(str(change_id))
    if known is not None:
        return _ack(change_id, known.ack, known.reason)
    clock.observe(int(change.get("hlc") or 0))
    try:
        with transaction.atomic(), capture.applying():
            status, reason = _apply_pushed(node, change)
    except NotYet as exc:
        return _ack(change_id, PENDING, str(exc))
    except (Rejected, IntegrityError, ValueError, TypeError, KeyError) as exc:
        status, reason = Ack.REJECTED, str(exc)[:500] or type(exc).__name__
    receipt = Receipt.objects.create(change_id=change_id, node=node, ack=status, reason=reason)
    if receipts is not None:
        receipts[str(change_id)] = receipt
    return _ack(change_id, status, reason)


def _ack(change_id: str, status: str, reason: str = "") -> dict[str, Any]:
    ack = {"id": str(change_id), "status": str(status)}
    if reason:
        ack["reason"] = reason
    return ack


def _apply_pushed(node: Node, change: dict[str, Any]) -> tuple[str, str]:
    label = change["model"]
    model = _model(label)
    rule = rules().get(label)
    if rule is None or rule.kind != "site":
        raise Rejected(f"{label} is not changed at site nodes")
    pk = model._meta.pk.to_python(change["record"])
    row = model._base_manager.select_for_update().filter(pk=pk).first()
    concrete, many, _unknown = decode_values(model, change.get("fields") or {})
    op = change["op"]
    if label in SPENDING and (reason := allowance.refused_approval(node, change, row)):
        _check_site(row or model(**concrete), rule, node)
        return _refuse_spending(node, change, row, rule, reason)
    if op == Op.DELETE:
        if row is None:
            return Ack.APPLIED, ""
        _check_site(row, rule, node)
        row.delete()
        _journal(node, change, row, rule, {}, version=getattr(row, "version", 0))
        return Ack.APPLIED, ""
    if row is None:
        if op != Op.CREATE:
            if Change.objects.filter(model=label, record=str(pk), op=Op.DELETE).exists():
                raise Rejected("the record was deleted at the central server")
            raise NotYet("the record is not at the central server yet")
        row = model(**concrete)
        _check_site(row, rule, node)
        row.save(force_insert=True)
        _add_many(row, many)
        _journal(node, change, row, rule, change.get("fields") or {})
        _after_apply(rule, row)
        return Ack.APPLIED, ""
    _check_site(row, rule, node)
    return _merge(node, change, row, rule, concrete, many)


SPENDING = {"fund.FundRequest", "fund.LedgerEntry"}


def _refuse_spending(
    node: Node, change: dict[str, Any], row: models.Model | None, rule: Rule, reason: str
) -> tuple[str, str]:
    """An approval made offline that the site's fund cannot cover: the request stays as the
    central server has it (a conflict a supervisor sees; the node pulls the request back), and
    a commitment of it is taken back from the node. Nothing is spent. A payment the node made
    of it keeps its record (applied as any change) but not its ledger entry, taken back too
    until the conflict is resolved (`allowance.paid_at_site` keeps its amount aside)."""
    if row is not None:  # the request: its status stays, and is sent back to the node
        raw = change.get("fields") or {}
        # A payment made at the node after its approval: the same conflict, now "paid".
        open_one = Conflict.objects.filter(
            model=change["model"], record=str(change["record"]), field="status", resolved_at=None
        ).first()
        if open_one is not None:
            open_one.node_value = raw.get("status")
            open_one.save(update_fields=["node_value"])
        else:
            Conflict.objects.create(
                site_id=node.site_id,
                node=node,
                change_id=change["id"],
                model=change["model"],
                record=str(change["record"]),
                field="status",
                server_value=_current(row, "status"),
                node_value=raw.get("status"),
                node_author=change.get("author"),
            )
        names = [n for n in raw if n not in BOOKKEEPING and hasattr(row, n)]
        if isinstance(row, BaseModel):
            row.save(update_fields=row.next_version())
        values = {name: _current(row, name) for name in names}
        values["version"] = getattr(row, "version", 0)
        _journal_server(change["model"], row, rule, Op.UPDATE, values)
    else:  # the commitment: it never existed here; the node takes it out of its ledger
        _journal_server(
            change["model"],
            None,
            rule,
            Op.DELETE,
            {},
            record=change["record"],
            site_id=node.site_id,
        )
    return Ack.CONFLICT, reason


def _journal_server(
    label: str,
    row: models.Model | None,
    rule: Rule,
    op: str,
    fields: dict[str, Any],
    *,
    record: str = "",
    site_id: Any = None,
) -> None:
    """A change made by the central server itself while applying a node's (sent to the node)."""
    Change.objects.create(
        model=label,
        record=str(row.pk) if row is not None else record,
        op=op,
        version=(getattr(row, "version", 0) or 0) if row is not None else 0,
        fields=fields,
        hlc=clock.now(),
        site_id=capture.site_of(row, rule) if row is not None else site_id,
        seq=capture.next_seq(),
    )


def _check_site(row: models.Model, rule: Rule, node: Node) -> None:
    if str(capture.site_of(row, rule)) != str(node.site_id):
        raise Rejected("the record belongs to another site")


def _concurrent_fields(node: Node, change: dict[str, Any]) -> set[str]:
    """The fields the server changed that the node had not seen when it made `change`."""
    fields: set[str] = set()
    seen = (
        Change.objects.filter(
            model=change["model"], record=str(change["record"]), seq__gt=change.get("base_seq") or 0
        )
        .exclude(origin=node.pk)
        .values_list("fields", "op")
    )
    for values, op in seen:
        fields.update(values)
        if op == Op.DELETE:
            fields.add(TOMBSTONE)
    return fields - BOOKKEEPING


def _merge(
    node: Node,
    change: dict[str, Any],
    row: models.Model,
    rule: Rule,
    concrete: dict[str, Any],
    many: dict[str, list[str]],
) -> tuple[str, str]:
    theirs = _concurrent_fields(node, change)
    mine = (set(concrete) | set(many)) - BOOKKEEPING
    clash = {name for name in mine & theirs if _differs(row, name, concrete, many)}
    if rule.identity & mine and rule.identity & theirs:
        clash |= rule.identity & mine
    if (TOMBSTONE in mine or TOMBSTONE in theirs) and mine and theirs:
        clash |= mine  # a deletion concurrent with an edit: the server's state holds
    raw = change.get("fields") or {}
    for name in sorted(clash):
        Conflict.objects.create(
            site_id=node.site_id,
            node=node,
            change_id=change["id"],
            model=change["model"],
            record=str(change["record"]),
            field=name,
            server_value=_current(row, name),
            node_value=raw.get(name),
            node_author=change.get("author"),
        )
    applied_concrete = {k: v for k, v in concrete.items() if k not in clash}
    applied_many = {k: v for k, v in many.items() if k not in clash}
    if not set(applied_concrete) - BOOKKEEPING and not applied_many:
        status = Ack.CONFLICT if clash else Ack.APPLIED
        return status, ""
    applied_concrete.pop("version", None)
    _set_values(row, applied_concrete)
    names = list(applied_concrete)
    if isinstance(row, BaseModel):
        names += row.next_version()
    if names:
        row.save(update_fields=names)
    _set_many(row, applied_many)
    sent = {k: v for k, v in raw.items() if k not in clash}
    _journal(node, change, row, rule, sent)
    _after_apply(rule, row)
    if clash:
        return Ack.CONFLICT, ""
    return (Ack.MERGED if theirs else Ack.APPLIED), ""


def _differs(row: models.Model, name: str, concrete: dict[str, Any], many: dict[str, Any]) -> bool:
    if name in many:
        return sorted(many[name]) != _current(row, name)
    return encode_value(getattr(row, name, None)) != encode_value(concrete.get(name))


def _current(row: models.Model, name: str) -> Any:
    if name in {f.name for f in row._meta.many_to_many}:
        return sorted(str(pk) for pk in getattr(row, name).values_list("pk", flat=True))
    return encode_value(getattr(row, name, None))


def _journal(
    node: Node,
    change: dict[str, Any],
    row: models.Model,
    rule: Rule,
    fields: dict[str, Any],
    *,
    version: int | None = None,
) -> None:
    Change.objects.create(
        change_id=change["id"],
        model=change["model"],
        record=str(change["record"]),
        op=change["op"],
        base_version=change.get("base_version") or 0,
        version=version if version is not None else (getattr(row, "version", 0) or 0),
        fields=fields,
        author=change.get("author"),
        hlc=int(change.get("hlc") or clock.now()),
        at=(parse_datetime(change["at"]) if change.get("at") else None) or timezone.now(),
        site_id=capture.site_of(row, rule),
        shared=False,
        seq=capture.next_seq(),
        origin=node.pk,
    )


def _after_apply(rule: Rule, row: models.Model) -> None:
    if rule.after_apply is not None:
        rule.after_apply(row)


# A node
# =============================================================================================


def apply_pulled(change: dict[str, Any]) -> bool:
    """Apply one change pulled from the central server; False if it went to quarantine."""
    clock.observe(int(change.get("hlc") or 0))
    try:
        with transaction.atomic(), capture.applying():
            _apply_pulled(change)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the change is kept, not lost
        Quarantine.objects.update_or_create(
            seq=change["seq"], defaults={"change": change, "error": f"{type(exc).__name__}: {exc}"}
        )
        return False
    return True


def _apply_pulled(change: dict[str, Any]) -> None:
    label = change["model"]
    model = _model(label)
    rule = rules().get(label)
    if rule is None or not rule.synced:
        raise Rejected(f"{label} is not synced")
    pk = model._meta.pk.to_python(change["record"])
    row = model._base_manager.filter(pk=pk).first()
    if change["op"] == Op.DELETE:
        if row is not None:
            # The queryset's delete: a row the central server never kept (a commitment it
            # refused) leaves even an append-only model.
            model._base_manager.filter(pk=pk).delete()
        return
    concrete, many, _unknown = decode_values(model, change.get("fields") or {})
    version = change.get("version") or 0
    if row is None:
        if change["op"] != Op.CREATE:
            raise Rejected("the record is not at this node")
        row = model(**concrete)
        if hasattr(row, "version") and version:
            row.version = version
        row.save(force_insert=True)
    else:
        concrete.pop("version", None)
        _set_values(row, concrete)
        names = list(concrete)
        if hasattr(row, "version") and version > row.version:
            row.version = version
            names.append("version")
        if names:
            row.save(update_fields=names)
    _set_many(row, many)
    _after_apply(rule, row)

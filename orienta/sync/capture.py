"""The journal: one `Change` row written in the transaction of every change of a synced model.

Services are the only writers (ADR 2) and save through the ORM, so Django's model signals see
every creation, change and deletion, inside the service's transaction: a change is journaled
exactly when it is committed. What the signals cannot see — `QuerySet.update()` and `bulk_*` —
must not be used on synced models (SYNC.md); `journal_rows()` journals rows changed that way.

On the central server every change of a synced model is journaled and numbered (`seq`); on a
node only the changes of its site's records are, as its outbox (reference data is the central
server's). Changes received from the other side are applied under `applying()` and journaled
by the code that applies them, not here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from orienta.sync import classification
from orienta.sync.classification import BOOKKEEPING, Rule
from orienta.sync.models import Change, Counter, NodeState, Op
from orienta.sync.wire import clock, row_values

_applying: ContextVar[bool] = ContextVar("sync_applying", default=False)


@contextmanager
def applying() -> Iterator[None]:
    """Changes made inside are received from the other side: the signals journal nothing."""
    token = _applying.set(True)
    try:
        yield
    finally:
        _applying.reset(token)


def is_node() -> bool:
    return bool(getattr(settings, "ORIENTA_NODE", False))


def connect() -> None:
    for model in classification.synced_models():
        uid = f"sync:{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _after_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}"
            )


def next_seq() -> int:
    """The next global sequence number (central server). The counter row stays locked until
    the transaction commits, so a puller never sees number n+1 before number n."""
    return next_seqs(1)[0]


def next_seqs(count: int) -> range:
    """`count` consecutive global sequence numbers (central server), locked like `next_seq`."""
    # One statement (per change, or per block of changes journaled together): the increment
    # takes the row's lock and returns the new value.
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value",
            [count, "seq"],
        )
        row = cursor.fetchone()
    if row is not None:
        last = int(row[0])
        return range(last - count + 1, last + 1)
    Counter.objects.get_or_create(name="seq")  # the first change ever numbered
    return next_seqs(count)


def _journaled(rule: Rule | None) -> bool:
    if rule is None or not rule.synced or _applying.get():
        return False
    return rule.kind == "site" or not is_node()


def site_of(row: models.Model, rule: Rule) -> Any:
    if rule.kind != "site":
        return None
    value: Any = row
    for part in rule.site_path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def write(
    *,
    row: models.Model,
    rule: Rule,
    op: str,
    fields: dict[str, Any],
    base_version: int,
    author: Any = None,
) -> Change:
    """Journal one change of `row` (the signals' writer, and `journal_rows`)."""
    node = is_node()
    state = NodeState.objects.filter(pk=1).values("cursor").first() if node else None
    base_seq = (state["cursor"] if state else 0) if node else None
    # Inside the caller's transaction (a service's), no savepoint: the counter stays
    # locked until it commits; a save made outside any transaction gets its own.
    with transaction.atomic(savepoint=False):
        return _write(row, rule, op, fields, base_version, author, node, base_seq)


def _write(
    row: models.Model,
    rule: Rule,
    op: str,
    fields: dict[str, Any],
    base_version: int,
    author: Any,
    node: bool,
    base_seq: int | None,
) -> Change:
    if node and not clock.seeded:
        _seed_clock()
    change = entry(
        row=row, rule=rule, op=op, fields=fields, base_version=base_version, author=author
    )
    change.base_seq = base_seq
    change.seq = None if node else next_seq()
    change.save(force_insert=True)
    return change


def entry(
    *,
    row: models.Model,
    rule: Rule,
    op: str,
    fields: dict[str, Any],
    base_version: int,
    author: Any = None,
) -> Change:
    """The journal entry of one change of `row`, stamped by the clock, not yet numbered nor
    saved (`_write` saves it; `backfill` numbers and saves a whole block of them)."""
    return Change(
        model=row._meta.label,
        record=str(row.pk),
        op=op,
        base_version=base_version,
        version=getattr(row, "version", 0) or 0,
        fields=fields,
        author=author,
        hlc=clock.now(),
        at=getattr(row, "updated_at", None) or timezone.now(),
        site_id=site_of(row, rule),
        shared=rule.kind == "reference",
    )


def _seed_clock() -> None:
    """Once per process at a node: the clock moves past every stamp it made or received
    before (a laptop restarted with its clock hours late keeps the order)."""
    from django.db.models import Max

    made = Change.objects.aggregate(top=Max("hlc"))["top"] or 0
    received = NodeState.objects.filter(pk=1).values_list("hlc", flat=True).first() or 0
    clock.observe(max(made, received))
    clock.seeded = True


def _author(row: models.Model) -> Any:
    return getattr(row, "updated_by_id", None) or getattr(row, "created_by_id", None)


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    rule = classification.rule_for(sender)
    if not _journaled(rule) or instance._state.adding or kwargs.get("update_fields"):
        return
    # A full save: what it changes is read against the stored row.
    stored = sender._base_manager.filter(pk=instance.pk).values().first()
    instance._sync_stored = stored  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    rule = classification.rule_for(sender)
    if not _journaled(rule) or kwargs.get("raw"):
        return
    assert rule is not None
    if created:
        values = row_values(instance)
        for name in rule.exclude:
            values.pop(_attname(sender, name), None)
        write(
            row=instance,
            rule=rule,
            op=Op.CREATE,
            fields=values,
            base_version=0,
            author=_author(instance),
        )
        return
    update_fields = kwargs.get("update_fields")
    stored = instance.__dict__.pop("_sync_stored", None)
    if update_fields:
        names = [_attname(sender, name) for name in update_fields]
        values = row_values(instance, names)
    elif stored is not None:
        current = row_values(instance)
        values = {k: v for k, v in current.items() if not row_values_equal(stored.get(k), v)}
    else:
        values = row_values(instance)
    for name in rule.exclude:
        values.pop(_attname(sender, name), None)
    if not set(values) - BOOKKEEPING:
        return
    version = getattr(instance, "version", 0) or 0
    base = stored["version"] if stored and "version" in stored else max(version - 1, 0)
    write(
        row=instance,
        rule=rule,
        op=Op.UPDATE,
        fields=values,
        base_version=base,
        author=_author(instance),
    )


def row_values_equal(stored: Any, value: Any) -> bool:
    from orienta.sync.wire import encode_value

    return encode_value(stored) == value


def _attname(model: type[models.Model], name: str) -> str:
    try:
        return model._meta.get_field(name).attname  # type: ignore[union-attr]
    except Exception:
        return name


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    rule = classification.rule_for(sender)
    if not _journaled(rule):
        return
    assert rule is not None
    write(
        row=instance,
        rule=rule,
        op=Op.DELETE,
        fields={},
        base_version=getattr(instance, "version", 0) or 0,
        author=None,
    )


def _after_m2m(
    sender: Any, instance: models.Model, action: str, reverse: bool, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # The change seen from the other side: journal each row whose set changed.
        model = kwargs["model"]
        pks = kwargs.get("pk_set") or ()
        for row in model._base_manager.filter(pk__in=pks):
            _journal_m2m(row, sender)
        return
    _journal_m2m(instance, sender)


def _journal_m2m(row: models.Model, through: Any) -> None:
    rule = classification.rule_for(type(row))
    if not _journaled(rule):
        return
    assert rule is not None
    for field in row._meta.many_to_many:
        if field.remote_field.through is through and field.name not in rule.exclude:
            values = sorted(str(pk) for pk in getattr(row, field.name).values_list("pk", flat=True))
            write(
                row=row,
                rule=rule,
                op=Op.UPDATE,
                fields={field.name: values},
                base_version=getattr(row, "version", 0) or 0,
                author=_author(row),
            )


def journal_rows(rows: "models.QuerySet[Any]", fields: list[str]) -> int:
    """Journal `fields` of rows changed by a `QuerySet.update()` (call it after the update, in
    the same transaction). Returns how many were journaled."""
    count = 0
    rule = classification.rule_for(rows.model)
    if not _journaled(rule):
        return 0
    assert rule is not None
    for row in rows:
        names = [_attname(rows.model, f) for f in fields]
        version = getattr(row, "version", 0) or 0
        write(
            row=row,
            rule=rule,
            op=Op.UPDATE,
            fields=row_values(row, names),
            base_version=max(version - 1, 0),
            author=_author(row),
        )
        count += 1
    return count


def _bulk_writer(model: type[models.Model], pks: list[Any], fields: list[str]) -> None:
    journal_rows(model._base_manager.filter(pk__in=pks), fields)


def install_bulk_writer() -> None:
    from orienta.lib import journal

    journal.set_writer(_bulk_writer)

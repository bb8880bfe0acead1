"""Reads of the sync app: the node's status, the central server's nodes, open conflicts."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from orienta.core.models import User
from orienta.sync import capture
from orienta.sync.allowance import UNHELD, node_remaining
from orienta.sync.models import Change, Conflict, Node, NodeState, Quarantine
from orienta.sync.services import conflicts_visible_to

PAGE = 50


@dataclass
class NodeStatus:
    state: NodeState | None
    backlog: int
    rejected: int
    conflicts: int
    quarantined: int
    last_success_at: datetime | None
    allowance_left: Decimal | None = None


def node_status() -> NodeStatus:
    state = NodeState.objects.filter(pk=1).first()
    acks = Change.objects.aggregate(
        backlog=Count("pk", filter=Q(ack="")),
        rejected=Count("pk", filter=Q(ack="rejected")),
        conflicts=Count("pk", filter=Q(ack="conflict")),
    )
    return NodeStatus(
        state=state,
        backlog=acks["backlog"],
        rejected=acks["rejected"],
        conflicts=acks["conflicts"],
        quarantined=Quarantine.objects.count(),
        last_success_at=state.last_success_at if state else None,
        allowance_left=node_remaining(state) if state else None,
    )


def rejected_changes(limit: int = PAGE) -> "QuerySet[Change]":
    return Change.objects.filter(ack="rejected").order_by("-id")[:limit]


def nodes(limit: int = 200) -> "QuerySet[Node]":
    return Node.objects.select_related("site").order_by("site__code", "number")[:limit]


def open_conflicts(user: User, limit: int = PAGE) -> "QuerySet[Conflict]":
    return (
        conflicts_visible_to(user)
        .filter(resolved_at__isnull=True)
        .select_related("site", "node")
        .order_by("created_at")[:limit]
    )


def status_lines() -> list[tuple[str, Any]]:
    """What `manage.py sync_status` prints."""
    if not capture.is_node():
        lines: list[tuple[str, Any]] = [("role", "central server")]
        head = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        lines.append(("journal head", head))
        for node in nodes():
            state = (
                "revoked"
                if node.revoked_at
                else ("enrolled" if node.enrolled_at else "code issued")
            )
            if node.wipe:
                state += ", wiped" if node.wiped_at else ", wipe ordered"
            lines.append(
                (
                    f"{node.site.code}-N{node.number}",
                    f"{state}, last contact {node.last_contact_at or '-'}, backlog {node.backlog}, "
                    f"version {node.app_version or '-'}, allowance {node.allowance or '-'}, "
                    f"check {_check_line(node.checked_at, node.mismatch)}",
                )
            )
        lines.append(("open conflicts", Conflict.objects.filter(resolved_at__isnull=True).count()))
        return lines
    status = node_status()
    if status.state is None:
        return [("role", "node, not enrolled")]
    return [
        ("role", f"node {status.state}"),
        ("central", status.state.central_url),
        ("cursor", status.state.cursor),
        ("outbox", status.backlog),
        ("last success", status.last_success_at or "-"),
        ("last error", status.state.last_error or "-"),
        ("conflicts sent", status.conflicts),
        ("rejected", status.rejected),
        ("quarantined", status.quarantined),
        ("stopped", "yes (revoked)" if status.state.stopped else "no"),
        (
            "wiped",
            f"yes, data erased at {status.state.wiped_at:%Y-%m-%d %H:%M} UTC"
            if status.state.wiped_at
            else "no",
        ),
        (
            "allowance",
            f"{status.allowance_left} {status.state.allowance_currency} left to approve offline"
            if status.allowance_left is not None
            else "none (approvals wait for the link)",
        ),
        ("last check", _check_line(status.state.checked_at, status.state.mismatch)),
    ]


def _check_line(at: datetime | None, mismatch: list[str]) -> str:
    if at is None:
        return "never"
    if mismatch:
        return f"{at:%Y-%m-%d %H:%M} UTC, differs: {', '.join(mismatch)}"
    return f"{at:%Y-%m-%d %H:%M} UTC, counts and hashes agree"


@dataclass
class CentralSummary:
    head: int
    nodes: int
    revoked: int
    open_conflicts: int


def central_summary(user: User) -> CentralSummary:
    counts = Node.objects.aggregate(
        nodes=Count("pk", filter=Q(revoked_at__isnull=True)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )
    head = Change.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return CentralSummary(
        head=head,
        nodes=counts["nodes"],
        revoked=counts["revoked"],
        open_conflicts=conflicts_visible_to(user).filter(resolved_at__isnull=True).count(),
    )


@dataclass
class ConflictLine:
    conflict: Conflict
    what: str
    record: str
    # An approval made offline whose payment was made at the site too: "1 500 XAF, 2026-03-02".
    paid_at_site: str = ""


def conflict_lines(rows: list[Conflict]) -> list[ConflictLine]:
    """Each conflict with the name of the field and the readable code of its record."""
    from django.apps import apps

    lines = []
    for conflict in rows:
        model = apps.get_model(conflict.model)
        try:
            what = str(model._meta.get_field(conflict.field.removesuffix("_id")).verbose_name)
        except Exception:  # noqa: BLE001 - a field no longer in the model: its name
            what = conflict.field
        row = model._base_manager.filter(pk=conflict.record).first()
        record = str(getattr(row, "code", "") or model._meta.verbose_name)
        lines.append(
            ConflictLine(
                conflict=conflict, what=what, record=record, paid_at_site=_paid_at_site(row)
            )
        )
    return lines


def _paid_at_site(row: Any) -> str:
    """For a fund request not approved here, the payment a node made of it."""
    from orienta.fund import money
    from orienta.fund.models import FundRequest, Payment

    if not isinstance(row, FundRequest) or row.status in UNHELD:
        return ""
    payment = Payment.objects.filter(request=row, reversed_at__isnull=True).first()
    if payment is None:
        return ""
    return f"{money.money_format(row.amount, row.currency)}, {payment.paid_on.isoformat()}"


def model_names(labels: list[str]) -> list[str]:
    """The names of synced models, as people read them (the label of one no longer known)."""
    from django.apps import apps

    names = []
    for label in labels:
        try:
            names.append(str(apps.get_model(label)._meta.verbose_name_plural))
        except (LookupError, ValueError):
            names.append(label)
    return names


@dataclass
class NodeLine:
    node: Node
    mismatch: list[str]


def node_lines() -> list[NodeLine]:
    return [NodeLine(node=node, mismatch=model_names(node.mismatch)) for node in nodes()]

"""Writes of the sync app: enrolling and revoking nodes (central server), resolving conflicts,
and the node's own code counter."""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import manages_nodes, resolves_sync_conflicts
from orienta.core.models import Site, User
from orienta.core.scoping import site_filter
from orienta.lib.codes import NODE_REFERRAL_MARK
from orienta.lib.errors import OutOfScope, Refused
from orienta.referrals.models import CODE_ALPHABET as REFERRAL_ALPHABET
from orienta.referrals.models import CODE_LENGTH as REFERRAL_LENGTH
from orienta.referrals.models import Referral
from orienta.sync import capture, classification
from orienta.sync.models import Conflict, Node, NodeState
from orienta.sync.wire import decode_values

CODE_DAYS = 7
# Enrolment codes are typed by hand: letters and digits that cannot be mistaken for each other.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SyncRefused(Refused):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def node_create(*, site: Site, by: User | None, label: str = "") -> tuple[Node, str]:
    """A new node for `site` and its one-time enrolment code (shown once, stored as a digest)."""
    if by is not None and not manages_nodes(by):
        raise SyncRefused(_("Only an administrator may enrol site nodes."))
    if site.deleted_at is not None:
        raise SyncRefused(_("This site is closed."))
    Site.objects.select_for_update().get(pk=site.pk)
    number = (Node.objects.filter(site=site).aggregate(n=Max("number"))["n"] or 0) + 1
    code = _new_code()
    node = Node.objects.create(
        site=site,
        number=number,
        code_block=free_block(),
        label=label.strip()[:80],
        code_hash=digest(code),
        code_expires_at=timezone.now() + timedelta(days=CODE_DAYS),
        created_by=by,
    )
    return node, code


@transaction.atomic
def node_enrol(*, code: str, app_version: str = "") -> tuple[Node, str]:
    """Exchange a one-time code for the node's credential (a bearer token, stored as a digest)."""
    node = (
        Node.objects.select_for_update()
        .select_related("site")
        .filter(code_hash=digest(code), code_hash__gt="")
        .first()
    )
    if (
        node is None
        or node.revoked_at
        or not node.code_expires_at
        or node.code_expires_at < timezone.now()
    ):
        raise SyncRefused(_("This enrolment code is unknown, used or expired."))
    token = secrets.token_urlsafe(32)
    node.code_hash = ""
    node.token_hash = token_digest(token)
    node.enrolled_at = node.last_contact_at = timezone.now()
    node.app_version = app_version[:20]
    node.save(
        update_fields=["code_hash", "token_hash", "enrolled_at", "last_contact_at", "app_version"]
    )
    return node, token


def node_authenticate(token: str) -> Node | None:
    """The node holding `token`, revoked or not (the caller tells a revoked node to stop)."""
    if not token:
        return None
    return Node.objects.select_related("site").filter(token_hash=token_digest(token)).first()


@transaction.atomic
def node_revoke(*, node: Node, by: User, wipe: bool = False) -> Node:
    if not manages_nodes(by):
        raise SyncRefused(_("Only an administrator may revoke site nodes."))
    locked = Node.objects.select_for_update().get(pk=node.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
    locked.wipe = locked.wipe or wipe
    locked.code_hash = ""
    locked.save(update_fields=["revoked_at", "revoked_by", "wipe", "code_hash"])
    return locked


def node_wiped(*, node: Node) -> None:
    """The revoked node said it erased its data, as ordered (recorded once)."""
    Node.objects.filter(pk=node.pk, wipe=True, wiped_at=None).update(wiped_at=timezone.now())


@transaction.atomic
def node_allowance_set(*, node: Node, amount: object, by: User | None) -> Node:
    """What `node` may approve from its site's fund while offline, kept aside at the central
    server: no more than the site's fund has available beside its other nodes' allowances."""
    from orienta.fund import money
    from orienta.sync import allowance

    if by is not None and not manages_nodes(by):
        raise SyncRefused(_("Only an administrator may set a node's allowance."))
    locked = Node.objects.select_for_update().get(pk=node.pk)
    if locked.revoked_at is not None:
        raise SyncRefused(_("This node is revoked."))
    account = allowance.account_of(locked)
    if account is None:
        raise SyncRefused(_("The site of this node has no account in a support fund yet."))
    currency = account.fund.currency
    try:
        value = (
            Decimal(0)
            if amount in (None, "")
            else money.amount_parse(amount, currency, allow_zero=True)
        )
    except ValidationError as exc:
        raise SyncRefused(" ".join(exc.messages)) from None
    room = allowance.spendable_by(locked, account)
    if value > max(room, Decimal(0)):
        raise SyncRefused(
            _(
                "The fund of %(site)s has %(room)s available beside the allowances of its other "
                "nodes: the allowance cannot be more."
            )
            % {"site": locked.site.code, "room": money.money_format(max(room, 0), currency)}
        )
    locked.allowance = value or None
    locked.save(update_fields=["allowance"])
    return locked


def conflicts_visible_to(user: User) -> QuerySet[Conflict]:
    if not resolves_sync_conflicts(user):
        return Conflict.objects.none()
    return Conflict.objects.filter(site_filter(user, "site__"))


def conflict_for(user: User, pk: Any) -> Conflict:
    conflict = conflicts_visible_to(user).filter(pk=pk).first()
    if conflict is None:
        raise OutOfScope("sync.conflict", pk)
    return conflict


@transaction.atomic
def conflict_resolve(*, conflict: Conflict, keep: str, by: User) -> Conflict:
    """Keep the server's value, or write the node's: a change journaled like any other, which
    every node of the site then pulls."""
    if not resolves_sync_conflicts(by):
        raise SyncRefused(_("Only a site manager or a coordinator may resolve conflicts."))
    if keep not in ("server", "node"):
        raise SyncRefused(_("Choose the value to keep."))
    locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.resolved_at is not None:
        raise SyncRefused(_("This conflict was already resolved."))
    if _is_fund_decision(locked):
        _fund_resolve(locked, keep, by)
    elif keep == "node":
        _write_value(locked, by)
    locked.resolved_at = timezone.now()
    locked.resolved_by = by
    locked.kept = keep
    locked.save(update_fields=["resolved_at", "resolved_by", "kept"])
    return locked


def _is_fund_decision(conflict: Conflict) -> bool:
    """An approval (and maybe a payment) made offline: the node's status is approved or paid."""
    return (
        conflict.model == "fund.FundRequest"
        and conflict.field == "status"
        and conflict.node_value in ("approved", "paid")
    )


def _fund_resolve(conflict: Conflict, keep: str, by: User) -> None:
    """An approval made offline that the site's fund could not cover when it arrived. The
    node's value is taken through the fund's own service, with its checks (the balance, the
    rules, who may approve); a payment the node made of it is then entered in the ledger. The
    server's value leaves the request awaiting approval, unless the node paid it already: that
    money has left the cash box and cannot be taken back by choosing a value."""
    from django.core.exceptions import PermissionDenied

    from orienta.fund import money
    from orienta.fund.models import FundRequest, Payment, Status
    from orienta.fund.services import Refused as FundRefused
    from orienta.fund.services import payment_at_site_confirm, request_approve

    request = FundRequest.objects.select_related("site").filter(pk=conflict.record).first()
    if request is None:
        raise SyncRefused(_("The record no longer exists."))
    payment = Payment.objects.filter(request=request, reversed_at__isnull=True).first()
    paid_here = request.status == Status.PAID
    if keep == "server":
        if payment is not None and not paid_here:
            raise SyncRefused(
                _(
                    "Request %(code)s was already paid at the site (%(amount)s, %(day)s): the "
                    "money has left the cash box, so the request cannot stay unapproved. Take "
                    "the node's value once the site's fund can cover it."
                )
                % {
                    "code": request.code,
                    "amount": money.money_format(request.amount, request.currency),
                    "day": payment.paid_on.isoformat(),
                }
            )
        return
    try:
        if request.status not in (Status.APPROVED, Status.PAID):
            # Refused too for a request rejected or cancelled here meanwhile.
            request = request_approve(fund_request=request, by=by)
        if payment is not None and request.status == Status.APPROVED:
            payment_at_site_confirm(fund_request=request, by=by)
    except FundRefused as exc:
        raise SyncRefused(exc.message) from None
    except PermissionDenied:
        raise SyncRefused(
            _(
                "You may not approve request %(code)s: its amount needs the country "
                "coordinator, or you made the request yourself."
            )
            % {"code": request.code}
        ) from None


def _write_value(conflict: Conflict, by: User) -> None:
    from django.apps import apps

    model = apps.get_model(conflict.model)
    row = model._base_manager.select_for_update().filter(pk=conflict.record).first()
    if row is None:
        raise SyncRefused(_("The record no longer exists."))
    concrete, many, _unknown = decode_values(model, {conflict.field: conflict.node_value})
    for name, value in concrete.items():
        setattr(row, name, value)
    names = list(concrete)
    if hasattr(row, "touch"):
        names += row.touch(by=by)
    if names:
        row.save(update_fields=names)
    for name, pks in many.items():
        getattr(row, name).set(pks)
    rule = classification.rule_for(model)
    if rule is not None and rule.after_apply is not None:
        rule.after_apply(row)


# The node
# =============================================================================================


def node_state() -> NodeState | None:
    return NodeState.objects.filter(pk=1).first()


# The form of the codes a node makes, by kind: the site's code, the node's number, its counter.
NODE_CODES = {
    "person": "{site}-N{node}-{value:05d}",
    "household": "{site}-N{node}-H{value:04d}",
    "case": "{site}-N{node}-C{value:05d}",
    "fund_request": "{site}-N{node}-F{value:04d}",
}
# Referral references of a node: the mark, its block's two letters, three random letters.
BLOCKS = len(REFERRAL_ALPHABET) ** 2


def referral_block_prefix(block: int) -> str:
    first, second = divmod(block, len(REFERRAL_ALPHABET))
    return NODE_REFERRAL_MARK + REFERRAL_ALPHABET[first] + REFERRAL_ALPHABET[second]


def free_block() -> int:
    """A block no node holds and no existing reference starts with (central server)."""
    taken = set(Node.objects.exclude(code_block=None).values_list("code_block", flat=True))
    for block in range(BLOCKS):
        if block in taken:
            continue
        if not Referral.objects.filter(code__startswith=referral_block_prefix(block)).exists():
            return block
    raise SyncRefused(_("No block of referral references is left for a new node."))


def _node_referral_code(state: NodeState) -> str:
    if state.code_block is None:
        raise SyncRefused(_("This node has no block of referral references: sync it first."))
    prefix = referral_block_prefix(state.code_block)
    for _try in range(200):
        tail = "".join(secrets.choice(REFERRAL_ALPHABET) for _i in range(REFERRAL_LENGTH - 3))
        code = f"{prefix}-{tail}"
        if not Referral.objects.filter(code=code).exists():
            return code
    raise SyncRefused(_("This node's block of referral references is full: enrol a new node."))


def node_next_code(*, site: Site | None, kind: str) -> str:
    """A readable code made at a node (`TD-NDJ1-N1-00012`, `TD-NDJ1-N1-H0004`,
    `TD-NDJ1-N1-C00003`, `TD-NDJ1-N1-F0002`, referral `ZAB-K7M`): the node's own counter with
    its number, or its block of references, never a code the central server or another node
    makes."""
    with transaction.atomic():
        state = NodeState.objects.select_for_update().filter(pk=1).first()
        if state is None:
            raise SyncRefused(_("This node is not enrolled yet: enrol it before recording."))
        if kind == "referral":
            return _node_referral_code(state)
        assert site is not None
        value = int(state.counters.get(kind, 0)) + 1
        state.counters = state.counters | {kind: value}
        state.save(update_fields=["counters"])
    return NODE_CODES[kind].format(site=site.code, node=state.number, value=value)


def install_code_allocator() -> None:
    from orienta.lib import codes

    if capture.is_node():
        codes.set_allocator(node_next_code)
        codes.set_public_url(central_url)


def central_url() -> str:
    """The central server's address, which the links of slips printed at this node open."""
    state = node_state()
    return state.central_url.rstrip("/") if state is not None else ""

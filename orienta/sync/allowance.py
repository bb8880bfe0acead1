"""The support fund at a site node: approvals made offline never let the site overspend.

The central server reserves for each node an allowance from its site's fund (set by an
administrator on /sync/nodes/ or with `sync_node_create --allowance`):

- the central server's own approvals keep the allowances of the site's nodes aside;
- each exchange tells the node what it may approve until it syncs again: its allowance, or
  less when the site's fund holds less (what the other nodes hold kept aside);
- at the node, an approval is refused beyond that, minus what it already approved and has not
  sent yet: the request waits for the link;
- when the central server applies an approval made offline, it checks the site's fund again: an
  approval it cannot cover becomes a conflict (the request stays awaiting approval, the node's
  commitment is taken back), never an overspend;
- a payment the node made of such an approval has left the site's cash box: its record is kept
  at the central server, its ledger entry waits for the conflict's resolution, and its amount
  is kept aside from every approval meanwhile (`paid_at_site`), so it is never lost nor spent
  twice. Resolving the conflict in the node's favour approves the request through the fund's
  own service and enters the payment; keeping the central server's value is refused.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from orienta.fund import holds, money
from orienta.fund.models import Account, FundRequest, Kind, LedgerEntry, Status
from orienta.fund.services.ledger import Refused, account_position
from orienta.sync import capture
from orienta.sync.models import Change, Node, NodeState, Op

ZERO = Decimal(0)


# The central server
# =============================================================================================


def reserved_for_nodes(site_id: Any, *, besides: Node | None = None) -> Decimal:
    """The allowances of the site's active nodes (but `besides`), kept aside at the central
    server."""
    nodes = Node.objects.filter(site_id=site_id, revoked_at__isnull=True, allowance__gt=0)
    if besides is not None:
        nodes = nodes.exclude(pk=besides.pk)
    return nodes.aggregate(total=Sum("allowance"))["total"] or ZERO


# Requests whose payment the ledger counts already: committed (approved) or paid, or reversed.
UNHELD = (Status.APPROVED, Status.PAID, Status.REVERSED)


def paid_at_site(site_id: Any, *, besides: Any = None) -> Decimal:
    """What a site's nodes paid offline for requests the central server has not approved (an
    approval in conflict): money already out of the cash box, kept aside until resolved."""
    waiting = FundRequest.objects.filter(
        site_id=site_id, payment__isnull=False, payment__reversed_at__isnull=True
    ).exclude(status__in=UNHELD)
    if besides is not None:
        waiting = waiting.exclude(pk=besides.pk)
    return waiting.aggregate(total=Sum("amount"))["total"] or ZERO


def account_of(node: Node) -> Account | None:
    return Account.objects.select_related("fund").filter(site_id=node.site_id).first()


def spendable_by(node: Node, account: Account) -> Decimal:
    """What the site's fund can cover for `node`: its available money, less what the site's
    other nodes hold."""
    available = account_position(account).available
    return available - reserved_for_nodes(node.site_id, besides=node) - paid_at_site(node.site_id)


def allowance_now(node: Node) -> tuple[str | None, str]:
    """What the node may approve until it syncs again, and the currency (sent each exchange)."""
    account = account_of(node)
    if account is None or not node.allowance or node.revoked_at is not None:
        return None, ""
    amount = max(ZERO, min(node.allowance, spendable_by(node, account)))
    return str(amount), account.fund.currency


def _central_check(account: Account, fund_request: FundRequest, available: Decimal) -> None:
    reserved = reserved_for_nodes(account.site_id)
    paid = paid_at_site(account.site_id, besides=fund_request)
    currency = fund_request.currency
    if paid and fund_request.amount > available - reserved - paid:
        raise Refused(
            _(
                "The fund of %(site)s cannot cover %(amount)s here: %(paid)s was paid at the "
                "site's offline nodes for requests still to be approved here, and %(reserved)s "
                "is kept for the nodes, so only %(left)s is left. The request stays awaiting "
                "approval."
            )
            % {
                "site": account.site.code,
                "amount": money.money_format(fund_request.amount, currency),
                "paid": money.money_format(paid, currency),
                "reserved": money.money_format(reserved, currency),
                "left": money.money_format(max(ZERO, available - reserved - paid), currency),
            }
        )
    if reserved and fund_request.amount > available - reserved:
        raise Refused(
            _(
                "The fund of %(site)s cannot cover %(amount)s here: %(reserved)s of it is kept "
                "for the site's offline nodes, so only %(left)s is left. The request stays "
                "awaiting approval."
            )
            % {
                "site": account.site.code,
                "amount": money.money_format(fund_request.amount, currency),
                "reserved": money.money_format(reserved, currency),
                "left": money.money_format(max(ZERO, available - reserved), currency),
            }
        )


def _committed(fund_request_id: Any) -> bool:
    return LedgerEntry.objects.filter(request_id=fund_request_id, kind=Kind.COMMITMENT).exists()


def covers(node: Node, fund_request: FundRequest) -> bool:
    """Whether the central server can take the node's approval of `fund_request` (its
    commitment already applied, or the site's fund able to cover it)."""
    if _committed(fund_request.pk):
        return True
    return fund_request.amount <= spendable_by(node, fund_request.account)


def refused_approval(node: Node, change: dict[str, Any], row: Any) -> str:
    """Why the central server cannot apply this change of a fund request or ledger entry made
    at `node` ("" when it can): an approval or a commitment the site's fund cannot cover, a
    payment of a request it has not approved."""
    fields = change.get("fields") or {}
    if change["model"] == "fund.FundRequest" and row is not None:
        return _refused_decision(node, fields, row)
    if change["model"] == "fund.LedgerEntry" and change["op"] == Op.CREATE:
        if fields.get("kind") == Kind.PAYMENT and fields.get("request_id"):
            if _committed(fields["request_id"]):
                return ""
            return "the request is not approved at the central server: its payment waits"
        if fields.get("kind") == Kind.COMMITMENT and fields.get("request_id"):
            return _refused_commitment(node, fields["request_id"])
    return ""


def _refused_decision(node: Node, fields: dict[str, Any], row: FundRequest) -> str:
    if fields.get("status") == Status.PAID and row.status == Status.REQUESTED:
        return "the request was paid at the site but is not approved at the central server"
    if fields.get("status") != Status.APPROVED or row.status == Status.APPROVED:
        return ""
    if row.status != Status.REQUESTED:
        return f"the request is {row.status} at the central server"
    return "" if covers(node, row) else "the site's fund cannot cover this approval"


def _refused_commitment(node: Node, request_id: Any) -> str:
    request = FundRequest.objects.filter(pk=request_id).first()
    if request is None:
        return ""
    if request.status == Status.APPROVED and not _committed(request.pk):
        return ""
    if request.status == Status.REQUESTED and covers(node, request):
        return ""  # the approval comes in a later change
    if _committed(request.pk):
        return "the request is already committed at the central server"
    return "the site's fund cannot cover this commitment"


# A node
# =============================================================================================


def pending_commitments() -> Decimal:
    """What this node approved (less what it released) and has not had acknowledged yet."""
    total = ZERO
    waiting = Change.objects.filter(ack="", model="fund.LedgerEntry", op=Op.CREATE)
    for fields in waiting.values_list("fields", flat=True):
        if fields.get("kind") == Kind.COMMITMENT:
            total += Decimal(str(fields.get("amount") or 0))
        elif fields.get("kind") == Kind.RELEASE:
            total -= Decimal(str(fields.get("amount") or 0))
    return total


def node_remaining(state: NodeState) -> Decimal | None:
    if state.allowance is None:
        return None
    return max(ZERO, state.allowance - pending_commitments())


def _node_check(account: Account, fund_request: FundRequest, available: Decimal) -> None:
    state = NodeState.objects.filter(pk=1).first()
    left = node_remaining(state) if state is not None else None
    if left is None or left <= 0:
        raise Refused(
            _(
                "This site node has no allowance left to approve requests offline. The request "
                "stays awaiting approval until the node syncs with the central server."
            )
        )
    if fund_request.amount > left:
        raise Refused(
            _(
                "This site node may approve %(left)s more until it syncs with the central "
                "server; %(amount)s is more. The request stays awaiting approval until then."
            )
            % {
                "left": money.money_format(left, fund_request.currency),
                "amount": money.money_format(fund_request.amount, fund_request.currency),
            }
        )


def install() -> None:
    holds.set_check(_node_check if capture.is_node() else _central_check)

"""What the registry's data-subject export, erasure and merge do with a person's fund requests
(see `orienta.people.hooks`): the accounts stay (public money stays traceable); what was
written about the person goes."""

from orienta.fund.models import FundRequest
from orienta.fund.services import request_texts_clear
from orienta.lib import journal

# The section of the data-subject export these records fill.
EXPORT_KEY = "fund_requests"


def export(ids: list) -> list[dict]:
    requests = (
        FundRequest.objects.filter(person__in=ids).select_related("site").order_by("created_at")
    )
    return [
        {
            "code": r.code,
            "site": r.site.code,
            "service": r.service_name,
            "quantity": r.quantity,
            "amount": str(r.amount),
            "currency": r.currency,
            "status": r.status,
            "reason": r.reason,
            "criteria": r.criteria,
            "evidence": r.evidence,
            "requested_at": r.created_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decision_reason": r.decision_reason,
        }
        for r in requests
    ]


def erase(ids: list, *, by) -> None:
    for fund_request in FundRequest.objects.filter(person__in=ids).order_by("pk"):
        request_texts_clear(fund_request=fund_request, by=by)


def merge(*, survivor, merged, by) -> None:
    """The fund requests of a merged record follow the survivor."""
    moving = list(FundRequest.objects.filter(person=merged).values_list("pk", flat=True))
    FundRequest.objects.filter(pk__in=moving).update(person=survivor, **FundRequest.touched(by=by))
    journal.rows_updated(FundRequest, moving, ["person", *FundRequest.TOUCHED_FIELDS])

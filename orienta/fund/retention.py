"""Retention of the support fund: the accounts are kept (public money must stay traceable), but
what was written about a person on a closed request, and its receipt image, are cleared after
the period (ten years by default, the usual time accounting records are kept)."""

from django.utils.translation import gettext_lazy as _

from orienta.core.retention import Rule
from orienta.fund.models import FundRequest
from orienta.fund.services import CLOSED_STATUSES, request_texts_clear


def _clear_closed_requests(cutoff, dry_run: bool) -> int:
    due = FundRequest.objects.filter(status__in=CLOSED_STATUSES, updated_at__lt=cutoff).exclude(
        reason="—"
    )
    if dry_run:
        return due.count()
    done = 0
    for fund_request in due.iterator():
        request_texts_clear(fund_request=fund_request, by=None)
        done += 1
    return done


RULES = [
    Rule(
        "fund.closed_request",
        _("Support-fund requests closed (texts and receipts)"),
        10 * 365,
        _clear_closed_requests,
    )
]

"""The SMS page: the log of messages and what they cost."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from orienta.audit.services import access_log_search
from orienta.core.access import reads_sms_log, reads_sms_text
from orienta.core.types import AuthedRequest
from orienta.lib.indicators import Period
from orienta.sms import queries

PER_PAGE = 50


@login_required
def log(request: AuthedRequest) -> HttpResponse:
    """Site managers their sites' messages, coordinators their country's, M&E and
    administrators every country's with the numbers masked and without the text."""
    if not reads_sms_log(request.user):
        raise PermissionDenied
    month = request.GET.get("month", "").strip()
    error = ""
    try:
        period = Period.parse(month) if month else None
    except ValueError as exc:
        period, error = None, str(exc)
    page = Paginator(queries.messages_for(request.user, period), PER_PAGE).get_page(
        request.GET.get("page")
    )
    if reads_sms_text(request.user):
        access_log_search(
            request, query={"month": month}, results=page.paginator.count, object_type="sms"
        )
    lines = queries.costs(request.user)
    context = {
        "page": page,
        "rows": queries.rows(request.user, list(page)),
        "month": month,
        "error": error,
        "costs": lines,
        "totals": sorted(queries.cost_totals(lines).items()),
        "full": reads_sms_text(request.user),
    }
    return render(request, "sms/log.html", context)

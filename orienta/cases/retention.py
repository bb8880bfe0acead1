"""Retention of cases: a case closed for longer than the period is anonymised.

Its free text goes (assessment, contact notes, action texts, reasons on the timeline); the
case stays, with its dates, needs, statuses and closure reason, so the counts hold.
"""

from django.utils.translation import gettext_lazy as _

from orienta.cases.models import Case, Status
from orienta.cases.services import case_anonymise
from orienta.core.retention import Rule

CLOSED_KIND = "cases.closed_case"
DEFAULT_YEARS = 5


def closed_before(cutoff):
    return Case.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).order_by("pk")


def anonymise_closed(cutoff, dry_run: bool) -> int:
    due = closed_before(cutoff)
    if dry_run:
        return due.count()
    count = 0
    for case in due.iterator(chunk_size=500):
        case_anonymise(case=case, by=None)
        count += 1
    return count


RULES = [
    Rule(CLOSED_KIND, _("Closed cases (anonymised)"), DEFAULT_YEARS * 365, anonymise_closed),
]

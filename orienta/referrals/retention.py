"""Retention of referrals: a referral closed for longer than the period loses its free text.

The reason, the notes of its steps and the reason of a consent override go; the referral stays,
with its dates, service, statuses and person, so that the metrics and the person's history of
referrals hold.
"""

from django.utils.translation import gettext_lazy as _

from orienta.core.retention import Rule
from orienta.referrals.models import OPEN_STATUSES, Referral
from orienta.referrals.services import referral_anonymise

CLOSED_KIND = "referrals.closed_referral"
DEFAULT_YEARS = 5


def closed_before(cutoff):
    return (
        Referral.objects.exclude(status__in=OPEN_STATUSES)
        .filter(closed_at__lt=cutoff, anonymised_at__isnull=True)
        .select_related("site")
        .order_by("pk")
    )


def anonymise_closed(cutoff, dry_run: bool) -> int:
    due = closed_before(cutoff)
    if dry_run:
        return due.count()
    count = 0
    for referral in due.iterator(chunk_size=500):
        referral_anonymise(referral=referral)
        count += 1
    return count


RULES = [
    Rule(
        CLOSED_KIND,
        _("Closed referrals (free text removed)"),
        DEFAULT_YEARS * 365,
        anonymise_closed,
    ),
]

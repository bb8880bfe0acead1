"""Scheduled work: referrals nobody answered in time expire (and their case gets an action)."""

from django.utils import timezone

from orienta.referrals.models import Referral, Status
from orienta.referrals.services import referral_expire

BATCH = 500


def run(now=None) -> str:
    now = now or timezone.now()
    due = (
        Referral.objects.filter(status=Status.SENT, answer_due_at__lte=now, deleted_at__isnull=True)
        .order_by("answer_due_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    expired = actions = 0
    for pk in list(due):
        referral = Referral.objects.select_related("case", "service").get(pk=pk)
        moved, action = referral_expire(referral=referral, now=now)
        expired += 1
        actions += action is not None
    return f"referrals: {expired} expired, {actions} follow-up actions planned"

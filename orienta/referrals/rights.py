"""What the registry's data-subject export, erasure and merge do with a person's referrals
(see `orienta.people.hooks`)."""

from orienta.lib import journal
from orienta.referrals.models import Referral
from orienta.referrals.services import referrals_anonymise_for_persons

# The section of the data-subject export these records fill.
EXPORT_KEY = "referrals"


def _at(value):
    return value.isoformat() if value else None


def export(ids: list) -> list[dict]:
    referrals = (
        Referral.objects.filter(person__in=ids)
        .select_related("site", "service", "service__organisation", "sent_by")
        .order_by("sent_at")
    )
    return [
        {
            "code": r.code,
            "site": r.site.code,
            "service": r.service.name,
            "provider": r.service.organisation.name,
            "status": r.status,
            "urgency": r.urgency,
            "reason": r.reason,
            "data_shared": r.shared_fields,
            "sent_at": _at(r.sent_at),
            "sent_by": r.sent_by.username if r.sent_by else None,
            "answered_at": _at(r.answered_at),
            "served_at": _at(r.served_at),
            "outcome_note": r.outcome_note,
            "sent_without_consent_because": r.consent_override_reason,
        }
        for r in referrals
    ]


def erase(ids: list, *, by) -> None:
    referrals_anonymise_for_persons(ids)


def merge(*, survivor, merged, by) -> None:
    """The referrals of a merged record follow the survivor."""
    moving = list(Referral.objects.filter(person=merged).values_list("pk", flat=True))
    Referral.objects.filter(pk__in=moving).update(person=survivor, **Referral.touched(by=by))
    journal.rows_updated(Referral, moving, ["person", *Referral.TOUCHED_FIELDS])

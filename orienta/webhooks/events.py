"""Which entries of the event log become webhook events, what their payload says, and whose
scope they are in.

The referrals' and cases' services write every change in core's event log (`event_log`); core
sends `event_committed` once the change is committed (ADR 6: the lower apps never import this
one). An entry becomes an event when its verb is one partner systems may subscribe to
(`EventType`). The payload carries the minimum a partner needs to match the event with its own
records: ids, the readable code, statuses and codes, the site, the service and organisation,
dates. Never a name, a phone, a date of birth, a reason, a note or any other free text, and
nothing of a sensitive case (violence, child protection) nor of a referral made from one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from orienta.cases.models import Case
from orienta.core.models import Event
from orienta.referrals.models import Referral
from orienta.webhooks.models import EventType

REFERRAL_VERBS = {
    "referral_send": EventType.REFERRAL_SENT,
    "referral_accept": EventType.REFERRAL_ACCEPTED,
    "referral_decline": EventType.REFERRAL_DECLINED,
    "referral_serve": EventType.REFERRAL_SERVED,
    "referral_not_served": EventType.REFERRAL_NOT_SERVED,
    "referral_cancel": EventType.REFERRAL_CANCELLED,
    "referral_expire": EventType.REFERRAL_EXPIRED,
}
CASE_VERBS = {
    "case.opened": EventType.CASE_OPENED,
    "case.started": EventType.CASE_STARTED,
    "case.closed": EventType.CASE_CLOSED,
    "case.reopened": EventType.CASE_REOPENED,
}


@dataclass
class Facts:
    """An event as it may leave Orienta, and the scope it belongs to."""

    event: str
    country_id: UUID
    organisation_ids: set[UUID] = field(default_factory=set)
    payload: dict[str, Any] = field(default_factory=dict)


def _when(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def event_of(entry: Event) -> str | None:
    """The webhook event an event-log entry would be, from its kind alone (no query), or None."""
    if entry.object_type == "referrals.referral":
        return REFERRAL_VERBS.get(entry.verb)
    if entry.object_type == "cases.case":
        return CASE_VERBS.get(entry.verb)
    return None


def facts_of(entry: Event) -> Facts | None:
    """The webhook event of an event-log entry, or None (not an event one subscribes to, a
    record gone, or a sensitive case's)."""
    event = event_of(entry)
    if event is None:
        return None
    if entry.object_type == "referrals.referral":
        return _referral_facts(entry, event)
    return _case_facts(entry, event)


def _envelope(entry: Event, event: str, site: Any, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(entry.pk),
        "event": event,
        "occurred_at": entry.at.isoformat(),
        "country": site.country.code,
        "site": site.code,
        "data": data,
    }


def _referral_facts(entry: Event, event: str) -> Facts | None:
    referral = (
        Referral.objects.select_related("site__country", "service", "case")
        .filter(pk=entry.object_id, deleted_at__isnull=True)
        .first()
    )
    if referral is None or (referral.case is not None and referral.case.sensitive):
        return None
    data = {
        "referral": {
            "id": str(referral.pk),
            "code": referral.code,
            "status": referral.status,
            "urgency": referral.urgency,
            "service": str(referral.service_id),
            "organisation": str(referral.service.organisation_id),
            "sent_at": _when(referral.sent_at),
            "answer_due_at": _when(referral.answer_due_at),
            "answered_at": _when(referral.answered_at),
            "served_at": _when(referral.served_at),
            "closed_at": _when(referral.closed_at),
        }
    }
    return Facts(
        event=event,
        country_id=referral.site.country_id,
        organisation_ids={referral.service.organisation_id, referral.site.organisation_id},
        payload=_envelope(entry, event, referral.site, data),
    )


def _case_facts(entry: Event, event: str) -> Facts | None:
    case = (
        Case.objects.select_related("site__country")
        .filter(pk=entry.object_id, deleted_at__isnull=True)
        .first()
    )
    if case is None or case.sensitive:
        return None
    data = {
        "case": {
            "id": str(case.pk),
            "code": case.code,
            "status": case.status,
            "closure_reason": case.closure_reason or None,
            "opened_at": _when(case.opened_at),
            "closed_at": _when(case.closed_at),
        }
    }
    return Facts(
        event=event,
        country_id=case.site.country_id,
        organisation_ids={case.site.organisation_id},
        payload=_envelope(entry, event, case.site, data),
    )

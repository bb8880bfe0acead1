"""Demo webhooks: Chad's coordinator subscribed a partner system (a case-management system of a
partner NGO) to Chad's referral events, and the subscription's delivery log.

Nothing leaves a demonstration server: the subscription is disabled (by the coordinator, the
day the demo is loaded), its address is in a domain reserved for examples (example.org), and
its deliveries — one per referral event of Chad's demo, with the payload a partner would have
received — are in the log as failed, each saying it was not sent because this is
demonstration data. The webhooks page says so too, in a notice, on a demo server
(`settings.DEMO`).

Written without the services, like the other demos' backdating: `subscription_create` checks
the address by resolving its name (no lookup leaves a demo load), and the services make
deliveries only for active subscriptions and hand them to the queue. It runs once, in demo
mode, in the load's transaction.
"""

import secrets
from typing import Any

from django.utils.translation import gettext_noop

from orienta.core.models import Event
from orienta.webhooks.events import REFERRAL_VERBS, facts_of
from orienta.webhooks.models import (
    Delivery,
    DeliveryStatus,
    DisabledReason,
    EventType,
    Subscription,
)
from orienta.webhooks.sealing import seal

URL = "https://partenaire.example.org/orienta/evenements"
NOT_SENT = gettext_noop("Not sent: demonstration data (the subscription is disabled).")
MAX_DELIVERIES = 60


def build(ctx: Any) -> None:
    chad = ctx.countries.get("TD")
    coordinator = ctx.users.get("coordinator-td")
    if chad is None or coordinator is None:
        return
    subscription = Subscription.objects.create(
        name="Partenaire GBV-IMS Tchad (démonstration)",
        url=URL,
        events=[str(e) for e in EventType.values if e.startswith("referral.")],
        country=chad,
        secret_sealed=seal(secrets.token_urlsafe(32)),
        active=False,
        disabled_at=ctx.now,
        disabled_reason=DisabledReason.BY_USER,
        created_by=coordinator,
        updated_by=coordinator,
    )
    entries = Event.objects.filter(
        object_type="referrals.referral", verb__in=list(REFERRAL_VERBS), site__country=chad
    ).order_by("-at", "-pk")[:MAX_DELIVERIES]
    for entry in entries:
        facts = facts_of(entry)
        if facts is None or facts.event not in subscription.events:
            continue
        Delivery.objects.create(
            subscription=subscription,
            event=facts.event,
            event_id=entry.pk,
            payload=facts.payload,
            status=DeliveryStatus.FAILED,
            created_at=entry.at,
            next_attempt_at=None,
            error=NOT_SENT,
        )

"""Writes on webhooks: subscriptions (create, change, disable, enable, test), the deliveries an
event makes, and each attempt to send one.

A delivery is sent by the task queue (`tasks.deliver`), never by the request that made the
change. A failed attempt is retried after WEBHOOK_RETRY_BASE_SECONDS, then twice as long each
time, up to WEBHOOK_MAX_ATTEMPTS attempts; after WEBHOOK_DISABLE_AFTER failed attempts in a row
the subscription is disabled and the administrators are told (`notices`). An attempt claims its
delivery first (one conditional UPDATE), so a delivery run twice — by the queue and by the
scheduled catch-up, or by two workers — is sent once.
"""

import json
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orienta.core.access import coordinates_country, is_administrator
from orienta.core.models import Country, Event, Organisation, User
from orienta.core.services import StaleEdit, event_log
from orienta.lib.errors import Refused
from orienta.webhooks import notices, outbound, signing, tasks
from orienta.webhooks.events import event_of, facts_of
from orienta.webhooks.models import (
    PING,
    Delivery,
    DeliveryStatus,
    DisabledReason,
    EventType,
    Subscription,
)
from orienta.webhooks.sealing import SecretUnreadable, seal, unseal


class WebhookRefused(Refused):
    """The subscription cannot be saved or changed so; the message says why."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("WEBHOOK_MAX_ATTEMPTS", 6)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: the base, doubled each time."""
    return timedelta(seconds=_setting("WEBHOOK_RETRY_BASE_SECONDS", 60) * 2 ** (attempts - 1))


# Subscriptions
# =============================================================================================


def _check_manager(by: User, country: Country) -> None:
    if not (is_administrator(by) or coordinates_country(by, country.pk)):
        raise PermissionDenied


def _clean(
    *,
    name: str,
    url: str,
    events: Iterable[str],
    country: Country,
    organisation: Organisation | None,
) -> tuple[str, str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise WebhookRefused(_("Give the subscription a name."))
    chosen = set(events)
    if not chosen or chosen - set(EventType.values):
        raise WebhookRefused(_("Choose at least one event."))
    if organisation is not None and organisation.country_id != country.pk:
        raise WebhookRefused(_("The organisation must be in the subscription's country."))
    clean_url = outbound.check_url(url)
    return name, clean_url, [e for e in EventType.values if e in chosen]


def subscription_create(
    *,
    by: User,
    name: str,
    url: str,
    events: Iterable[str],
    country: Country,
    organisation: Organisation | None = None,
) -> tuple[Subscription, str]:
    """A new subscription and its signing secret, shown once to whoever made it."""
    _check_manager(by, country)
    name, url, chosen = _clean(
        name=name, url=url, events=events, country=country, organisation=organisation
    )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        subscription = Subscription.objects.create(
            name=name,
            url=url,
            events=chosen,
            country=country,
            organisation=organisation,
            secret_sealed=seal(secret),
            created_by=by,
            updated_by=by,
        )
        event_log(actor=by, verb="webhook_create", obj=subscription)
    return subscription, secret


def subscription_update(
    *,
    subscription: Subscription,
    by: User,
    name: str,
    url: str,
    events: Iterable[str],
    organisation: Organisation | None,
    expected_version: int | None = None,
) -> Subscription:
    """Change the name, address, events or organisation (the country stays)."""
    _check_manager(by, subscription.country)
    name, url, chosen = _clean(
        name=name,
        url=url,
        events=events,
        country=subscription.country,
        organisation=organisation,
    )
    with transaction.atomic():
        locked = _locked(subscription, expected_version)
        locked.name, locked.url, locked.events, locked.organisation = (
            name,
            url,
            chosen,
            organisation,
        )
        locked.save(update_fields=["name", "url", "events", "organisation", *locked.touch(by=by)])
        event_log(actor=by, verb="webhook_update", obj=locked)
    return locked


def _locked(subscription: Subscription, expected_version: int | None = None) -> Subscription:
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit
    return locked


def subscription_secret_renew(*, subscription: Subscription, by: User) -> str:
    """A new signing secret (the old one stops working at once); shown once."""
    _check_manager(by, subscription.country)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = _locked(subscription)
        locked.secret_sealed = seal(secret)
        locked.save(update_fields=["secret_sealed", *locked.touch(by=by)])
        event_log(actor=by, verb="webhook_secret_renew", obj=locked)
    return secret


def subscription_disable(*, subscription: Subscription, by: User) -> Subscription:
    _check_manager(by, subscription.country)
    with transaction.atomic():
        locked = _locked(subscription)
        if not locked.active:
            raise WebhookRefused(_("This subscription is already disabled."))
        _disable(locked, reason=DisabledReason.BY_USER, by=by)
    return locked


def subscription_enable(*, subscription: Subscription, by: User) -> Subscription:
    """Enable again (after a partner fixed its server): the failures are forgotten; the
    deliveries given up meanwhile are not sent again."""
    _check_manager(by, subscription.country)
    with transaction.atomic():
        locked = _locked(subscription)
        if locked.active:
            raise WebhookRefused(_("This subscription is already active."))
        locked.active, locked.disabled_at, locked.disabled_reason = True, None, ""
        locked.failure_streak = 0
        locked.save(
            update_fields=[
                "active",
                "disabled_at",
                "disabled_reason",
                "failure_streak",
                *locked.touch(by=by),
            ]
        )
        event_log(actor=by, verb="webhook_enable", obj=locked)
    return locked


def _disable(locked: Subscription, *, reason: str, by: User | None) -> None:
    now = timezone.now()
    locked.active, locked.disabled_at, locked.disabled_reason = False, now, reason
    locked.save(
        update_fields=["active", "disabled_at", "disabled_reason", *locked.touch(by=by, at=now)]
    )
    Delivery.objects.filter(
        subscription=locked, status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
    ).update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=None,
        error=gettext_noop("Not sent: the subscription was disabled."),
        error_params={},
    )
    event_log(actor=by, verb="webhook_disable", obj=locked, data={"reason": reason})


def subscription_test(*, subscription: Subscription, by: User) -> Delivery:
    """Send a test event ("ping") now, through the queue: one attempt, not retried, and not
    counted against the subscription."""
    _check_manager(by, subscription.country)
    now = timezone.now()
    delivery = Delivery.objects.create(
        subscription=subscription,
        event=PING,
        payload={
            "id": str(subscription.pk),
            "event": PING,
            "occurred_at": now.isoformat(),
            "country": subscription.country.code,
            "data": {},
        },
        next_attempt_at=now,
    )
    event_log(actor=by, verb="webhook_test", obj=subscription)
    _enqueue(delivery)
    return delivery


# Events → deliveries
# =============================================================================================


def deliveries_for_event(entry: Event) -> list[Delivery]:
    """The deliveries of a committed event-log entry, one per active subscription whose scope
    and events it matches, each handed to the queue. Running it twice makes nothing twice.

    An entry no active subscription listens for (most of them, where no partner system
    subscribes) is passed over before its facts are read."""
    event = event_of(entry)
    if event is None or not _listened_for(event):
        return []
    facts = facts_of(entry)
    if facts is None:
        return []
    subscriptions = Subscription.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=facts.organisation_ids),
        active=True,
        deleted_at__isnull=True,
        country_id=facts.country_id,
    ).order_by("pk")
    made = []
    for subscription in subscriptions:
        if facts.event not in subscription.events:
            continue
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    subscription=subscription,
                    event=facts.event,
                    event_id=entry.pk,
                    payload=facts.payload,
                )
        except IntegrityError:  # already made for this event
            continue
        made.append(delivery)
    for delivery in made:
        _enqueue(delivery)
    return made


def _listened_for(event: str) -> bool:
    """Some active subscription, anywhere, takes `event` (the subscriptions are few)."""
    subscribed = Subscription.objects.filter(active=True, deleted_at__isnull=True)
    return any(event in events for events in subscribed.values_list("events", flat=True))


def on_event_committed(sender: Any, event: Event, **kwargs: Any) -> None:
    """core.signals.event_committed's receiver (connected in apps.py)."""
    deliveries_for_event(event)


def _enqueue(delivery: Delivery, at: datetime | None = None) -> None:
    """Hand the delivery to the queue once its row is committed; a retry waits in the queue
    when its backend can defer work, or else for the scheduled catch-up (`tasks.run`)."""
    if at is not None and not default_task_backend.supports_defer:
        return
    task = tasks.deliver if at is None else tasks.deliver.using(run_after=at)
    transaction.on_commit(lambda: task.enqueue(str(delivery.pk)))


# Attempts
# =============================================================================================


def _claim(delivery_id: UUID, now: datetime) -> Delivery | None:
    claimed = Delivery.objects.filter(
        Q(subscription__active=True) | Q(event=PING),
        pk=delivery_id,
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.RETRYING),
        next_attempt_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def _body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


type Outcome = tuple[int | None, int | None, outbound.Untranslated | None]


def _send(delivery: Delivery, now: datetime) -> Outcome:
    """(response code, duration, error): no error when the answer was a 2xx."""
    subscription = delivery.subscription
    try:
        secret = unseal(subscription.secret_sealed)
    except SecretUnreadable:
        return (
            None,
            None,
            outbound.Untranslated(gettext_noop("The signing secret cannot be read: renew it.")),
        )
    body = _body(delivery.payload)
    stamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Orienta-Webhooks/1",
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.pk),
        signing.TIMESTAMP_HEADER: str(stamp),
        signing.SIGNATURE_HEADER: signing.signature(secret, stamp, body),
    }
    timeout = _setting("WEBHOOK_TIMEOUT_SECONDS", 10)
    try:
        answer = outbound.post(subscription.url, body, headers, timeout=timeout)
    except (outbound.AddressRefused, outbound.CallFailed) as exc:
        return None, None, exc
    if 200 <= answer.status < 300:
        return answer.status, answer.duration_ms, None
    error = outbound.Untranslated(
        gettext_noop("The server answered %(status)s."), status=answer.status
    )
    return answer.status, answer.duration_ms, error


def delivery_attempt(*, delivery_id: UUID) -> str:
    """Send the delivery if it is due and nobody else is sending it; record the outcome."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "not due"
    code, duration, error = _send(delivery, now)
    if error is None:
        _succeeded(delivery, code, duration)
        return "delivered"
    _failed(delivery, code, duration, error, started=now)
    return "failed"


def _succeeded(delivery: Delivery, code: int | None, duration: int | None) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED,
        delivered_at=now,
        next_attempt_at=None,
        response_code=code,
        duration_ms=duration,
        error="",
        error_params={},
    )
    if not delivery.is_test:
        Subscription.objects.filter(pk=delivery.subscription_id).update(
            failure_streak=0, last_success_at=now
        )


def _failed(
    delivery: Delivery,
    code: int | None,
    duration: int | None,
    error: outbound.Untranslated,
    *,
    started: datetime,
) -> None:
    last = delivery.is_test or delivery.attempts >= max_attempts()
    next_at = None if last else started + retry_delay(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED if last else DeliveryStatus.RETRYING,
        next_attempt_at=next_at,
        response_code=code,
        duration_ms=duration,
        error=error.msgid[:300],
        error_params=error.params,
    )
    if delivery.is_test:
        return
    disabled = _count_failure(delivery.subscription_id)
    if not disabled and next_at is not None:
        _enqueue(delivery, at=next_at)


def _count_failure(subscription_id: UUID) -> bool:
    """One more failure in a row; at WEBHOOK_DISABLE_AFTER the subscription is disabled and
    the administrators told. True if it is (now) disabled."""
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription_id).update(
            failure_streak=F("failure_streak") + 1
        )
        locked = Subscription.objects.select_for_update().get(pk=subscription_id)
        if not locked.active:
            return True
        if locked.failure_streak < _setting("WEBHOOK_DISABLE_AFTER", 10):
            return False
        _disable(locked, reason=DisabledReason.FAILURES, by=None)
    notices.disabled_after_failures(locked)
    return True


def deliveries_due(now: datetime, limit: int = 500) -> list[UUID]:
    """Deliveries whose turn has come and that no queue holds: retries due (five minutes late
    when the queue holds them itself), deliveries whose hand-over to the queue was lost
    (waiting five minutes), and those left "sending" by a worker that stopped (ten minutes)."""
    with transaction.atomic():
        Delivery.objects.filter(
            status=DeliveryStatus.SENDING, last_attempt_at__lte=now - timedelta(minutes=10)
        ).update(status=DeliveryStatus.RETRYING, next_attempt_at=now)
    # A queue that holds retries until their time has them already: only late ones are taken.
    late = timedelta(minutes=5) if default_task_backend.supports_defer else timedelta(0)
    due = Delivery.objects.filter(
        Q(status=DeliveryStatus.RETRYING, next_attempt_at__lte=now - late)
        | Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - timedelta(minutes=5)),
        subscription__active=True,
    ).order_by("next_attempt_at")
    return list(due.values_list("pk", flat=True)[:limit])


def deliveries_purge(now: datetime) -> int:
    """Forget finished deliveries older than WEBHOOK_LOG_DAYS (90): the log is for following
    a partner's recent trouble, not an archive of who was referred where."""
    before = now - timedelta(days=_setting("WEBHOOK_LOG_DAYS", 90))
    old = Delivery.objects.filter(
        created_at__lt=before, status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
    ).values_list("pk", flat=True)[:5000]
    deleted, _by_model = Delivery.objects.filter(pk__in=list(old)).delete()
    return deleted

"""Writes of the SMS app: queue a message, attempt it through the gateway (with retries and
backoff), record the gateway's delivery reports, and the opt-outs.

Messages are queued inside the caller's transaction and handed to the task queue
(`orienta.sms.tasks.send_message`) once that transaction commits (`transaction.on_commit`):
nothing is sent for a change that was rolled back, and nothing before the change is saved.
With the database-backed queue (production) the request only writes the task's row and a
worker sends it, so a page never waits for the gateway. A message whose hand-over was lost (the
process stopped between the commit and the queue) is handed over by the scheduled sweep
(`sms_retry_due`), which is also the retry path when the queue cannot defer a task. A message
is attempted at most `SMS_MAX_ATTEMPTS` times, after waits that grow (`BACKOFF`); a number that
sent STOP is never written to again (the message is kept, `blocked`, so the log shows it).
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import default_task_backend
from django.utils import timezone

from orienta.core.models import Country, Site
from orienta.lib.phones import InvalidPhone, to_e164
from orienta.people.models import Person
from orienta.referrals.models import Referral
from orienta.sms.gateways import BaseBackend, GatewayError, SendResult, StatusReport, get_backend
from orienta.sms.models import (
    FINAL_STATUSES,
    PENDING_STATUSES,
    Direction,
    OptOut,
    Purpose,
    SmsMessage,
    Status,
)

logger = logging.getLogger(__name__)

# Seconds to wait before the 2nd, 3rd, 4th... attempt.
BACKOFF = (60, 300, 1800, 7200)
# A message still "sending" this long after its attempt began was lost by a worker: retried.
STUCK_AFTER = timedelta(minutes=10)
# A message still "queued" this long after it was made was never handed to the queue.
ORPHAN_AFTER = timedelta(minutes=5)
# Characters of the GSM 03.38 alphabet: a message of these alone fits 160 per SMS, else 70.
GSM_CHARS = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def normalise_phone(raw: str) -> str:
    """E.164 when the number can be read (with or without +), else its digits with a +."""
    raw = (raw or "").strip()
    try:
        return to_e164(raw if raw.startswith(("+", "00")) else f"+{raw}", None)
    except InvalidPhone:
        digits = "".join(ch for ch in raw if ch.isdigit())
        return f"+{digits}" if digits else ""


def phone_country(phone: str) -> Country | None:
    """The country of the programme whose prefix the number has (None for another country)."""
    for country in Country.objects.all():
        if country.phone_prefix and phone.startswith(country.phone_prefix):
            return country
    return None


def segments(body: str) -> int:
    """How many SMS the body takes (concatenated messages carry a header: 153 or 67 each)."""
    if set(body) <= GSM_CHARS:
        single, part = 160, 153
    else:
        single, part = 70, 67
    length = len(body)
    return 1 if length <= single else -(-length // part)


def is_opted_out(phone: str) -> bool:
    return OptOut.objects.filter(phone=phone).exists()


def tariff(country: Country | None) -> tuple[Decimal | None, str]:
    """The configured price of one SMS to the country (`SMS_COST_PER_SEGMENT`), for the
    gateways that do not report theirs."""
    if country is None:
        return None, ""
    rates: dict[str, str] = settings.SMS_COST_PER_SEGMENT
    rate = rates.get(country.code)
    if rate is None:
        return None, ""
    return Decimal(rate), settings.SMS_COST_CURRENCY


def sms_queue(
    *,
    phone: str,
    body: str,
    purpose: str,
    site: Site | None = None,
    person: Person | None = None,
    referral: Referral | None = None,
    language: str = "",
    key: str | None = None,
    force: bool = False,
    enqueue: bool = True,
) -> SmsMessage | None:
    """Queue one message to `phone` and hand it to the task queue (unless not `enqueue`: the
    caller attempts it itself, as the demo does). With `key`, a message about the same thing
    is queued once only: None when it already was. A number that opted out gets nothing (the
    message is kept as blocked), unless `force` (the confirmation of the opt-out itself)."""
    phone = normalise_phone(phone)
    if not phone or not body.strip():
        raise ValueError("a message needs a number and a text")
    if key and SmsMessage.objects.filter(key=key).exists():
        return None
    blocked = not force and is_opted_out(phone)
    country = site.country if site is not None else phone_country(phone)
    try:
        with transaction.atomic():
            message = SmsMessage.objects.create(
                site=site,
                country=country,
                direction=Direction.OUT,
                purpose=purpose,
                phone=phone,
                body=body,
                language=language,
                person=person,
                referral=referral,
                key=key,
                segments=segments(body),
                status=Status.BLOCKED if blocked else Status.QUEUED,
            )
    except IntegrityError:  # the same key, queued meanwhile by another process
        return None
    if enqueue and not blocked:
        transaction.on_commit(partial(_enqueue_id, message.pk))
    return message


def _enqueue(message: SmsMessage, run_after: datetime | None = None) -> None:
    _enqueue_id(message.pk, run_after)


def _enqueue_id(pk: UUID, run_after: datetime | None = None) -> None:
    # The task module imports this one: imported here, when the first message is queued.
    from orienta.sms.tasks import send_message

    task = send_message
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # the scheduled sweep (`tasks.run`) enqueues it when it is due
        task = send_message.using(run_after=run_after)
    task.enqueue(str(pk))


def _claim(message_id: str | UUID, now: datetime) -> SmsMessage | None:
    """Take the message for one attempt, if it is still to send and due (a task run twice, or
    late, finds nothing to do)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        taken = (
            SmsMessage.objects.filter(due, pk=message_id, status__in=PENDING_STATUSES)
            .filter(direction=Direction.OUT)
            .update(status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now)
        )
    if not taken:
        return None
    return SmsMessage.objects.select_related("country").get(pk=message_id)


def callback_url() -> str:
    """Where the gateway reports deliveries, with the shared secret (docs/deploy.md)."""
    base = settings.ORIENTA_PUBLIC_URL
    if not base:
        return ""
    secret = settings.SMS_INBOUND_SECRET
    return f"{base}/api/v1/sms/status" + (f"?secret={secret}" if secret else "")


def sms_attempt(
    message_id: str | UUID, now: datetime | None = None, backend: BaseBackend | None = None
) -> str:
    """One attempt at sending the message through `backend` (the configured gateway by
    default); returns its status afterwards ("" when there was nothing to do)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return ""
    if is_opted_out(message.phone) and message.purpose != Purpose.OPT_OUT:
        SmsMessage.objects.filter(pk=message.pk).update(status=Status.BLOCKED, updated_at=now)
        return Status.BLOCKED
    backend = backend or get_backend()
    try:
        result = backend.send(
            to=message.phone,
            body=message.body,
            reference=str(message.pk),
            callback_url=callback_url(),
        )
    except GatewayError as exc:
        return _failed(message, exc, backend.name, now)
    return _sent(message, result, backend.name, now)


def _sent(message: SmsMessage, result: SendResult, backend: str, now: datetime) -> str:
    cost, currency = result.cost, result.currency
    if cost is None:
        rate, currency = tariff(message.country)
        cost = rate * message.segments if rate is not None else None
    delivered = result.status == Status.DELIVERED
    SmsMessage.objects.filter(pk=message.pk).update(
        status=Status.DELIVERED if delivered else Status.SENT,
        backend=backend,
        external_id=result.external_id[:100],
        sent_at=now,
        delivered_at=now if delivered else None,
        next_attempt_at=None,
        last_error="",
        cost=cost,
        cost_currency=currency if cost is not None else "",
        updated_at=now,
    )
    return Status.DELIVERED if delivered else Status.SENT


def _failed(message: SmsMessage, exc: GatewayError, backend: str, now: datetime) -> str:
    error = str(exc)[:300]
    if exc.temporary and message.attempts < settings.SMS_MAX_ATTEMPTS:
        wait = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
        when = now + timedelta(seconds=wait)
        SmsMessage.objects.filter(pk=message.pk).update(
            status=Status.RETRY, backend=backend, last_error=error, next_attempt_at=when
        )
        logger.warning("SMS %s: attempt %s failed (%s)", message.pk, message.attempts, error)
        _enqueue(message, run_after=when)
        return Status.RETRY
    SmsMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, backend=backend, last_error=error, next_attempt_at=None
    )
    logger.error("SMS %s failed after %s attempts (%s)", message.pk, message.attempts, error)
    return Status.FAILED


def sms_retry_due(now: datetime) -> int:
    """Hand to the queue the messages a worker lost while sending, those queued whose hand-over
    to the queue was lost (`ORPHAN_AFTER`) and, when the queue cannot defer a task (it then
    waits for this sweep), those due for a new attempt; returns how many. A queue that defers
    already holds each retry at its time. A message handed over twice is sent once (`_claim`)."""
    stuck = list(
        SmsMessage.objects.filter(
            status=Status.SENDING, updated_at__lt=now - STUCK_AFTER, direction=Direction.OUT
        ).values_list("pk", flat=True)[:500]
    )
    SmsMessage.objects.filter(pk__in=stuck).update(status=Status.RETRY, next_attempt_at=now)
    due = set(stuck)
    due |= set(
        SmsMessage.objects.filter(
            status=Status.QUEUED, created_at__lt=now - ORPHAN_AFTER, direction=Direction.OUT
        ).values_list("pk", flat=True)[:500]
    )
    if not default_task_backend.supports_defer:
        due |= set(
            SmsMessage.objects.filter(
                status=Status.RETRY, next_attempt_at__lte=now, direction=Direction.OUT
            ).values_list("pk", flat=True)[:500]
        )
    for pk in sorted(due):
        _enqueue_id(pk)
    return len(due)


# Statuses a delivery report may set, and those it may not undo (a late "sent" after
# "delivered" changes nothing).
REPORTED = {Status.SENT, Status.DELIVERED, Status.UNDELIVERED, Status.FAILED}


def sms_status_update(*, backend: str, report: StatusReport) -> SmsMessage | None:
    """The gateway's delivery report: the message's status (never back from a final one), its
    delivery time and, when the gateway tells it, its cost. None for an unknown message."""
    if not report.external_id:
        return None
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update()
            .filter(backend=backend, external_id=report.external_id, direction=Direction.OUT)
            .first()
        )
        if message is None:
            return None
        now = timezone.now()
        if report.status in REPORTED and message.status not in FINAL_STATUSES:
            message.status = report.status
            if report.status == Status.DELIVERED:
                message.delivered_at = now
            if report.error:
                message.last_error = report.error
        if report.cost is not None:
            message.cost, message.cost_currency = report.cost, report.currency
        message.updated_at = now
        message.save()
    return message


def sms_opt_out(*, phone: str, keyword: str, message: SmsMessage | None) -> bool:
    """The number sent STOP: nothing more is sent to it, and what was waiting is dropped.
    Returns False when it had already opted out."""
    with transaction.atomic():
        _opt_out, created = OptOut.objects.get_or_create(
            phone=phone,
            defaults={"at": timezone.now(), "keyword": keyword[:20], "message": message},
        )
        SmsMessage.objects.filter(
            phone=phone, status__in=PENDING_STATUSES, direction=Direction.OUT
        ).update(status=Status.BLOCKED, updated_at=timezone.now())
    return created

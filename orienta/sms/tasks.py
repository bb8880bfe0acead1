"""The SMS app's work outside requests.

- `send_message` (a task of Django's task framework, `django.tasks`): one attempt at one
  message; queued by `services.sms_queue`, run by the queue's worker. Safe to run twice.
- `run(now)` (the scheduled work, `manage.py run_tasks` every 15 minutes, ADR 5): queues the
  referral codes and tomorrow's reminders that are due (`outgoing`), and hands to the queue
  the messages due for a new attempt when the queue cannot defer a task itself.
"""

from django.tasks import task
from django.utils import timezone

from orienta.sms import outgoing, services


@task
def send_message(message_id: str) -> str:
    return services.sms_attempt(message_id)


def run(now=None) -> str:
    now = now or timezone.now()
    codes = outgoing.queue_referral_codes(now)
    reminders = outgoing.queue_reminders(now)
    retried = services.sms_retry_due(now)
    return f"sms: {codes} referral codes, {reminders} reminders queued, {retried} retried"

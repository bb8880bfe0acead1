"""The integrations' work, done away from the requests.

- `deliver(delivery_id)` and `dhis2_push(push_id)`: tasks of Django's task framework
  (`django.tasks`), handed to the queue by the services; each is safe to run twice (it claims
  its row first, and does nothing if the row is no longer waiting).
- `run(now)`: the scheduled catch-up of `manage.py run_tasks` (ADR 5): the retries that are due
  when the queue cannot hold work until a given time, and the deliveries the queue lost; and
  the delivery log's finished entries older than WEBHOOK_LOG_DAYS are forgotten.
"""

from datetime import datetime
from uuid import UUID

from django.tasks import task
from django.utils import timezone


@task
def deliver(delivery_id: str) -> str:
    # The services hand work to these tasks, so they are imported when a task runs.
    from orienta.webhooks.services import delivery_attempt

    return delivery_attempt(delivery_id=UUID(delivery_id))


@task
def dhis2_push(push_id: str) -> str:
    from orienta.webhooks.dhis2 import push_run

    return push_run(push_id=UUID(push_id))


def run(now: datetime | None = None) -> str:
    from orienta.webhooks.services import deliveries_due, deliveries_purge

    now = now or timezone.now()
    due = deliveries_due(now)
    for delivery_id in due:
        deliver.enqueue(str(delivery_id))
    purged = deliveries_purge(now)
    return f"webhooks: {len(due)} deliveries handed to the queue, {purged} old ones forgotten"

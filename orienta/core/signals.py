"""Signals core sends, for the apps above that must hear of a change without being imported by
the app that made it (ADR 6).

- `event_committed(sender=Event, event=Event)`: an entry of the event log (`event_log`, written
  by every app's services: a referral sent, a case closed…) whose transaction has committed. It
  is sent after the commit, never for work that was rolled back; a receiver that fails is
  logged and does not disturb the request that made the change, nor the other receivers.
  Receivers must be quick (hand slow work to the task queue) and read what they need from the
  database themselves.
"""

import logging

from django.dispatch import Signal

from orienta.core.models import Event

event_committed = Signal()

logger = logging.getLogger(__name__)


def send_event_committed(event: Event) -> None:
    for receiver, result in event_committed.send_robust(sender=Event, event=event):
        if isinstance(result, Exception):
            logger.error(
                "event_committed receiver %r failed on %s",
                receiver,
                event.verb,
                exc_info=result,
            )

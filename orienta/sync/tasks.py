"""Scheduled work of a site node: sync with the central server when the link is up.

Run by `manage.py run_tasks` (every 15 minutes). After failures it waits longer before trying
again (15 minutes, then 30, 60, up to 4 hours); `manage.py sync` tries at once. An incomplete
sync is reported as failed, never as done; what it committed (acknowledged changes, pulled
pages) is kept.
"""

from datetime import datetime, timedelta

from orienta.core.tasks import TaskPartlyFailed
from orienta.sync import capture
from orienta.sync.client import Stopped, SyncError, sync
from orienta.sync.models import NodeState

MAX_WAIT = timedelta(hours=4)


def next_attempt(state: NodeState) -> datetime | None:
    """When the node tries again after `state.failures` failures (None: now)."""
    if not state.failures or state.last_attempt_at is None:
        return None
    wait = min(timedelta(minutes=15) * 2 ** (state.failures - 1), MAX_WAIT)
    return state.last_attempt_at + wait


def run(now: datetime) -> str:
    if not capture.is_node():
        return "sync: central server, nothing to do"
    state = NodeState.objects.filter(pk=1).first()
    if state is None:
        return "sync: not enrolled"
    if state.wiped_at is not None:
        return "sync: revoked by the central server, data erased as ordered"
    due = next_attempt(state)
    if due is not None and due > now:
        return f"sync: waiting until {due:%Y-%m-%d %H:%M} after {state.failures} failures"
    try:
        outcome = sync()
    except Stopped as exc:
        return f"sync: revoked by the central server, stopped ({exc})"
    except SyncError as exc:
        raise TaskPartlyFailed(f"sync incomplete: {exc}") from exc
    return f"sync: complete, {outcome.pushed} pushed, {outcome.pulled} pulled"

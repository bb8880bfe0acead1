"""Scheduled work of core: the retention periods (orienta/core/retention.py)."""

from orienta.core.retention import retention_run, summary


class TaskPartlyFailed(Exception):
    """Some of a task's work failed (and was rolled back) and the rest succeeded: what
    succeeded is kept, and `run_tasks` reports the task as failed. The message is the summary."""


def run(now) -> str:
    outcomes = retention_run(now)
    text = "retention: " + summary(outcomes)
    if any(o.error for o in outcomes):
        raise TaskPartlyFailed(text)
    return text

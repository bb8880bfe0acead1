"""Scheduled work of the imports (run by `manage.py run_tasks`): the files of imports left
unfinished for a day are dropped; their log stays."""

from datetime import datetime

from orienta.imports.services import import_runs_expire


def run(now: datetime) -> str:
    return f"{import_runs_expire(now=now)} unfinished import files dropped"

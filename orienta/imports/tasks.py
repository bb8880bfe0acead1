"""The imports' work outside requests.

- `import_step` (a task of Django's task framework, `django.tasks`): the dry run ("check") or
  the import ("import") of a file too large for a request; queued by `services.import_map` and
  `services.import_queue` once their transaction commits, run by the queue's worker
  (`manage.py db_worker`; `make run` starts one). Safe to run twice: it claims the run first.
- `run(now)` (the scheduled work, `manage.py run_tasks`): the files of imports left unfinished
  for a day are dropped; their log stays.
"""

from datetime import datetime

from django.tasks import task

from orienta.imports.services import import_runs_expire, import_step_run


@task
def import_step(run_id: str, step: str) -> str:
    return import_step_run(run_id=run_id, step=step)


def run(now: datetime) -> str:
    return f"{import_runs_expire(now=now)} unfinished import files dropped"

"""`manage.py run_tasks`: the scheduled work of every app, for cron every 15 minutes.

    */15 * * * *  cd /srv/orienta && .venv/bin/python manage.py run_tasks

Each app with an `orienta/<app>/tasks.py` defines `run(now) -> str`: it does its work and
returns a one-line summary. Each runs in its own transaction; one that fails is reported and
rolled back, the others still run, and the command exits non-zero at the end. A task whose
work is made of independent parts (retention: one rule per kind of record) may raise
`TaskPartlyFailed(summary)`: the parts that succeeded are kept, and the task counts as failed.
"""

import traceback
from types import ModuleType

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from orienta.core.tasks import TaskPartlyFailed
from orienta.lib.plugins import app_modules


def task_modules(failures: dict[str, str] | None = None) -> dict[str, ModuleType]:
    """The apps with a tasks module (`orienta/<app>/tasks.py`), by app label; with `failures`,
    the apps whose module did not import go there, with the error."""
    modules = app_modules("tasks", failures=failures)
    return {module.__name__.split(".")[-2]: module for module in modules}


class Command(BaseCommand):
    help = (
        "Run the scheduled work of every app (retention, purge of expired exports, ...), each "
        "in its own transaction. Meant for cron, every 15 minutes. Exits non-zero if a task "
        "failed; the others still ran."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", metavar="APP", help="Run only this app's tasks."
        )

    def handle(self, *args, only=None, **options):
        now = timezone.now()
        failed = []
        unloadable: dict[str, str] = {}
        for app, module in task_modules(unloadable).items():
            if only and app not in only:
                continue
            try:
                result = self._run(module, now)
            except Exception as exc:  # reported; the other tasks still run
                failed.append(app)
                self.stderr.write(f"{app}: FAILED {type(exc).__name__}: {exc}")
                self.stderr.write(traceback.format_exc(limit=5))
                continue
            if isinstance(result, TaskPartlyFailed):
                failed.append(app)
                self.stderr.write(f"{app}: PARTLY FAILED {result}")
                continue
            self.stdout.write(f"{app}: {result}")
        for app, error in unloadable.items():
            if not only or app in only:
                failed.append(app)
                self.stderr.write(f"{app}: FAILED {error}")
        if failed:
            raise CommandError(f"{len(failed)} task(s) failed: {', '.join(failed)}.")

    def _run(self, module: ModuleType, now):
        """The task's summary, or the TaskPartlyFailed it raised (its successes committed)."""
        with transaction.atomic():
            try:
                return module.run(now)
            except TaskPartlyFailed as partly:
                return partly

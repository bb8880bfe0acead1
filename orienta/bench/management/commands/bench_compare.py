"""`manage.py bench_compare --base DIR`: this checkout against another, request by request."""

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orienta.bench import compare, runner, truth

CHILD = "ORIENTA_BENCH_CHILD"


class Command(BaseCommand):
    help = (
        "Compares the CPU each request of the load test costs in this checkout and in another "
        "(--base, e.g. made by `git worktree add ../base <commit>`), both serving the "
        "benchmark's database at once, requests alternated between them. Generate the data "
        "first (`make bench`). Prints a Markdown table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base", required=True, help="the other checkout's directory")
        parser.add_argument("--rounds", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")

    def handle(self, *args, **opts):
        base = Path(opts["base"]).resolve()
        this = Path(settings.BASE_DIR).resolve()
        if not (base / "manage.py").exists():
            raise CommandError(f"{base} is not a checkout of Orienta (no manage.py).")
        if base == this:
            raise CommandError("--base is this checkout: give the other one.")
        if not (base / "locale" / "pt" / "LC_MESSAGES" / "django.mo").exists():
            raise CommandError(
                f"{base} has no compiled catalogues: run `make compilemessages` there first."
            )
        url = runner.database_url(opts["db"])
        if os.environ.get(CHILD) != "1":  # settings read DATABASE_URL once: run again with it
            env = runner.child_env(url) | {CHILD: "1"}
            sys.stdout.flush()
            os.execve(sys.executable, [sys.executable, str(this / "manage.py"), *sys.argv[1:]], env)
        if truth.read_manifest(truth.manifest_path()) is None:
            raise CommandError("No generated data set: run `make bench` first.")
        workers = (
            compare.start("base", base, url),
            compare.start("this", this, url),
        )
        try:
            self.stdout.write(f"{opts['rounds']} rounds of {len(compare.load.OPERATIONS)} "
                              "operations on each checkout…")  # fmt: skip
            result = compare.compare(workers, opts["rounds"], seed=opts["seed"])
        finally:
            for worker in workers:
                worker.server.stop()
        self.stdout.write("\n".join(compare.table(result, ("base", "this"))))

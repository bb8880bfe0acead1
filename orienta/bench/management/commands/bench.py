"""`manage.py bench`: generate (once) and measure; writes docs/benchmarks.{md,json}."""

import os
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orienta.bench import runner

# Set in the measuring process, which runs connected to the bench database.
CHILD = "ORIENTA_BENCH_CHILD"


class Command(BaseCommand):
    help = (
        "Benchmark at scale: creates and migrates the bench database (PostgreSQL on "
        "127.0.0.1:5432 by default, or BENCH_DATABASE_URL), generates N persons unless that "
        "set is already there, serves it with gunicorn on 127.0.0.1 and measures server "
        "times under load, duplicate matching, queries per page, bytes per page and "
        "slow-link browser timings. Writes docs/benchmarks.md and docs/benchmarks.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--sites", type=int, default=30)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--users", type=int, default=10, help="concurrent simulated agents")
        parser.add_argument("--seconds", type=float, default=20, help="length of the load test")
        parser.add_argument("--max-requests", type=int, default=20_000)
        parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
        parser.add_argument("--fresh", action="store_true", help="empty and regenerate")
        parser.add_argument(
            "--only",
            default=",".join(runner.DEFAULT_STAGES),
            help="comma-separated stages among " + ", ".join(runner.STAGES) + " (default: all "
            "but sync, which journals every generated record first: run it alone, e.g. "
            "--persons 10000 --sites 3 --only sync)",
        )
        parser.add_argument("--dupes-sample", type=int, default=200)
        parser.add_argument("--sync-nodes", type=int, default=8, help="sync: nodes pushing at once")
        parser.add_argument(
            "--sync-batches", type=int, default=5, help="sync: batches of 100 changes per node"
        )

    def handle(self, *args, **opts):
        options = self._options(opts)
        url = runner.database_url(options.db)
        if os.environ.get(CHILD) != "1":
            self._prepare_and_reexec(url, options)
        try:
            results = runner.run(options, self.stdout.write)
        except runner.BenchError as exc:
            raise CommandError(str(exc)) from None
        md, js = runner.write_report(results)
        self.stdout.write(self.style.SUCCESS(f"Wrote {md} and {js} in {results['seconds']} s."))

    def _options(self, opts: dict) -> runner.Options:
        stages = tuple(s.strip() for s in opts["only"].split(",") if s.strip())
        unknown = set(stages) - set(runner.STAGES)
        if unknown:
            raise CommandError(f"Unknown stages: {', '.join(sorted(unknown))}")
        if opts["persons"] < runner.MIN_PERSONS_PER_SITE * opts["sites"]:
            raise CommandError(
                f"Measure at least {runner.MIN_PERSONS_PER_SITE} persons a site "
                f"({runner.MIN_PERSONS_PER_SITE * opts['sites']:,} for {opts['sites']} sites)."
            )
        started = float(os.environ.get("ORIENTA_BENCH_STARTED") or time.time())
        return runner.Options(
            persons=opts["persons"], seed=opts["seed"], sites=opts["sites"],
            years=opts["years"], users=opts["users"], seconds=opts["seconds"],
            max_requests=opts["max_requests"], db=opts["db"], fresh=opts["fresh"],
            stages=stages, dupes_sample=opts["dupes_sample"], started=started,
            sync_nodes=opts["sync_nodes"], sync_batches=opts["sync_batches"],
        )  # fmt: skip

    def _prepare_and_reexec(self, url: str, options: runner.Options) -> None:
        """Make the database ready, then run again connected to it (settings read
        DATABASE_URL once, at start-up)."""
        try:
            runner.prepare(url, options, self.stdout.write)
        except (runner.BenchError, OSError) as exc:
            raise CommandError(str(exc)) from None
        env = runner.child_env(url) | {CHILD: "1", "ORIENTA_BENCH_STARTED": str(options.started)}
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        argv = [a for a in sys.argv[1:] if a != "--fresh"]  # emptied already
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, manage, *argv], env)

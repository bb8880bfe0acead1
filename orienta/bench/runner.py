"""`manage.py bench`: from an empty database to docs/benchmarks.{md,json}.

1. Before Django connects (`prepare`): the bench database exists (PostgreSQL: created on the
   server; SQLite: a file under var/bench/), and is emptied when it holds another generation.
2. Then, connected to it (`run`): migrate, generate unless that very set is there, and measure
   what is asked: queries per page and duplicate matching in-process; the load, bytes on the
   wire and browser timings against gunicorn on 127.0.0.1.
"""

import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import django
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from psycopg import sql

from orienta.bench import browser, dupes, followup_pages, load, pages, report, server, truth
from orienta.bench import results as bench_results
from orienta.bench import sync as bench_sync
from orienta.bench.calibrate import calibration_ms
from orienta.bench.client import Session
from orienta.bench.generate import generate
from orienta.bench.network import PASSWORD
from orienta.bench.stats import summary
from orienta.core.models import Site, User
from orienta.frontdesk.models import Visit
from orienta.people.models import Household, Person, PersonMatchKey

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/orienta_bench"
SQLITE_URL = f"sqlite:///{Path(settings.BASE_DIR) / 'var' / 'bench' / 'bench.sqlite3'}"
STAGES = ("queries", "dupes", "results", "load", "weight", "browser", "sync")
# What a run measures unless told (`--only`): not sync, whose first step journals every
# generated record (hours at a million persons); it is asked for by name, on its own data.
DEFAULT_STAGES = tuple(s for s in STAGES if s != "sync")
SERVER_STAGES = {"load", "weight", "browser"}
# The follow-up layer, as the report counts it (rows written by the generator).
FOLLOWUP_ROWS = (
    "directory.Service",
    "directory.Permanence",
    "cases.Case",
    "cases.CaseAction",
    "cases.FollowUp",
    "cases.CaseEvent",
    "referrals.Referral",
    "referrals.ReferralEvent",
    "fund.FundRequest",
    "fund.Payment",
    "fund.LedgerEntry",
)
# Fewer, and some sites have no history to measure pages on.
MIN_PERSONS_PER_SITE = 20


class BenchError(Exception):
    pass


@dataclass
class Options:
    persons: int = 20_000
    seed: int = 1
    sites: int = 30
    years: int = 3
    users: int = 10
    seconds: float = 20.0
    max_requests: int = 20_000
    db: str = "postgres"
    fresh: bool = False
    stages: tuple[str, ...] = DEFAULT_STAGES
    dupes_sample: int = 200
    sync_nodes: int = 8
    sync_batches: int = 5
    started: float = field(default_factory=time.time)

    def generation(self) -> dict:
        return {k: getattr(self, k) for k in ("persons", "seed", "sites", "years")}


def database_url(db: str) -> str:
    """BENCH_DATABASE_URL when set, else the server on 127.0.0.1:5432 or a file in var/bench/."""
    default = POSTGRES_URL if db == "postgres" else SQLITE_URL
    return os.environ.get("BENCH_DATABASE_URL") or default


# ---------------------------------------------------------------------------------------------
# Before Django connects
# ---------------------------------------------------------------------------------------------


def prepare(url: str, options: Options, say) -> None:
    """Create the database if missing; empty it if it holds another generation (or --fresh)."""
    manifest_file = truth.manifest_path_for(url)
    manifest = truth.read_manifest(manifest_file) or {}
    other = any(manifest.get(k) != v for k, v in options.generation().items())
    stale = options.fresh or (bool(manifest) and other)
    config = dj_database_url.parse(url)
    if stale:
        say(f"Emptying the bench database {config['NAME']} (it held another generation).")
    if config["ENGINE"].endswith("sqlite3"):
        _prepare_sqlite(Path(config["NAME"]), stale)
    else:
        _prepare_postgres(config, stale)
    if stale:  # only once the database is indeed empty
        manifest_file.unlink(missing_ok=True)


def _prepare_sqlite(path: Path, stale: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if stale:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _prepare_postgres(config: dict, stale: bool) -> None:
    name = config["NAME"]
    if stale and "bench" not in name:
        raise BenchError(f"Refusing to drop {name!r}: only a database named *bench* is emptied.")
    server = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432}
    credentials = {"user": config["USER"], "password": config["PASSWORD"] or None}
    try:
        maintenance = psycopg.connect(
            dbname="postgres", autocommit=True, connect_timeout=5, **server, **credentials
        )
    except psycopg.OperationalError as exc:
        raise BenchError(
            f"No PostgreSQL answers at {server['host']}:{server['port']} ({exc}). Start one, "
            "set BENCH_DATABASE_URL, or run with --db sqlite."
        ) from None
    with maintenance:
        exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = exists.fetchone() is not None
        quoted = sql.Identifier(name)
        if found and stale:
            maintenance.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(quoted))
        if not found or stale:
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(quoted))


def child_env(url: str) -> dict[str, str]:
    """The environment of the measuring process: the server's, and the test client's host."""
    env = server.server_env(url)
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    env["ORIENTA_BENCH_STARTED"] = env.get("ORIENTA_BENCH_STARTED") or str(time.time())
    return env


# ---------------------------------------------------------------------------------------------
# Connected to the bench database
# ---------------------------------------------------------------------------------------------


def run(options: Options, say) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    manifest = _ensure_generated(options, say)
    results = {
        "options": {k: v for k, v in vars(options).items() if k != "started"},
        "machine": _machine(),
        "dataset": _dataset(manifest),
        "generation": {
            k: manifest.get(k) for k in ("seconds", "followup_seconds", "rows", "rows_per_second")
        },
    }
    if "queries" in options.stages:
        # The pages render with the hashed static files of production, which the measuring
        # process (same settings) finds only once collected.
        server.collect_static(server.server_env(os.environ["DATABASE_URL"]))
        say("Counting database queries per page…")
        results["queries"] = pages.query_counts()
    if "dupes" in options.stages:
        say(f"Looking up {options.dupes_sample} second records…")
        results["duplicates"] = dupes.measure(
            manifest["true_pairs"], sample=options.dupes_sample, seed=options.seed,
            coordinator_sample=options.dupes_sample // 4,
        )  # fmt: skip
    if "results" in options.stages:
        if "queries" not in options.stages:  # the page renders with the hashed static files
            server.collect_static(server.server_env(os.environ["DATABASE_URL"]))
        say("Timing the country-year results dashboard…")
        results["results"] = bench_results.measure()
    if SERVER_STAGES & set(options.stages):
        results |= _against_server(options, say)
    if "sync" in options.stages:
        results["sync"] = _sync(options, say, results["dataset"])
    results["machine"]["load_average_end"] = _load_average()
    results["seconds"] = round(time.time() - options.started, 1)
    return results


def _ensure_generated(options: Options, say) -> dict:
    path = truth.manifest_path()
    manifest = truth.read_manifest(path)
    layered = manifest and "followup_seconds" in manifest  # made with the follow-up layer
    if layered and Person.objects.count() == manifest["persons"]:
        say(f"{manifest['persons']:,} persons already generated (seed {manifest['seed']}).")
        return manifest
    if Person.objects.exists():
        raise BenchError("The bench database holds persons of another generation: use --fresh.")
    say(f"Generating {options.persons:,} persons…")
    generated = generate(**options.generation(), progress=say)
    truth.write_manifest(path, generated.manifest())
    return generated.manifest()


def _sync(options: Options, say, dataset: dict) -> dict:
    """The sync stage; it says on which data it measured (a run of it alone may be on another
    data set than the rest of the report)."""
    found = bench_sync.measure(
        bench_sync.SyncOptions(nodes=options.sync_nodes, batches=options.sync_batches), say
    )
    found["dataset"] = {
        "persons": dataset["persons"],
        "visits": dataset["visits"],
        "sites": dataset["sites"],
        "seed": dataset["seed"],
        "db": options.db,
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "cpus": os.cpu_count(),
        "database": _machine()["database"],
        "load_average": _load_average(),
        "command": (
            f'make bench BENCH_ARGS="--persons {options.persons} --sites {options.sites} '
            f"--db {options.db} --sync-nodes {options.sync_nodes} "
            f'--sync-batches {options.sync_batches} --only sync"'
        ),
    }
    return found


def _load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else
                       "SELECT 'SQLite ' || sqlite_version()")  # fmt: skip
        database = cursor.fetchone()[0].split(" on ")[0]
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "load_average_start": _load_average(),
    }


def _dataset(manifest: dict) -> dict:
    """What was generated, and what earlier load runs added since (their recorded visits)."""
    rows = manifest["rows"]
    generated_visits = rows["frontdesk.Visit"]
    return {
        "persons": Person.objects.count(),
        "households": Household.objects.count(),
        "visits": generated_visits,
        "visits_recorded_by_load_runs": Visit.objects.count() - generated_visits,
        "anonymous_visits": Visit.objects.filter(person__isnull=True).count(),
        "match_keys": PersonMatchKey.objects.count(),
        "sites": Site.objects.count(),
        "true_pairs": len(manifest["true_pairs"]),
        "followup": {label: rows.get(label, 0) for label in FOLLOWUP_ROWS},
        "seed": manifest["seed"],
        "years": manifest["years"],
        "generated_on": manifest["generated_on"],
    }


# ---------------------------------------------------------------------------------------------
# Against gunicorn
# ---------------------------------------------------------------------------------------------


def _against_server(options: Options, say) -> dict:
    plans = load.plan_users(options.users, options.seed)
    subject = _subjects(plans[0])
    out: dict = {}
    say("Starting gunicorn…")
    live = server.start(os.environ["DATABASE_URL"], Path(settings.BASE_DIR) / "var" / "bench")
    try:
        if "load" in options.stages:
            say(f"{options.users} users for {options.seconds:.0f} s…")
            out["load"] = _load(live, plans, options)
        if "weight" in options.stages:
            say("Weighing pages…")
            out["weight"] = _weights(live, plans[0], subject)
        if "browser" in options.stages and not Path(browser.CHROMIUM).exists():
            say(f"No {browser.CHROMIUM}: browser timings skipped (apt-get install chromium).")
        elif "browser" in options.stages:
            say("Timing pages in Chromium on a slow link…")
            out["browser"] = browser.measure(
                live.base_url, plans[0].username, PASSWORD, _browser_targets(subject)
            )
    finally:
        live.stop()
    return out


def _subjects(plan: load.UserPlan) -> dict:
    """A person of the first user's site with several visits, and a common family name."""
    site = Site.objects.get(code=plan.site_code)
    person = (
        Visit.objects.filter(site=site, person__isnull=False)
        .values("person")
        .annotate(n=Count("pk"))
        .order_by("-n", "person")
        .first()
    )
    agent = User.objects.get(username=plan.username)
    return {"person": str(person["person"]), "family_name": plan.family_name} | (
        followup_pages.subject(site, agent)
    )


def _load(live: server.Server, plans: list, options: Options) -> dict:
    live.access_log.write_text("")
    speed_before = calibration_ms()
    # The workers' CPU is counted from the end of the sign-in: 90 password hashes are not
    # requests of the load (until 2026-12-04 they were counted: 4.3 s of CPU, 2 ms a request
    # at 50 users).
    cpu_before: list[float] = []
    result = load.run_load(
        live.base_url, plans, password=PASSWORD, seconds=options.seconds,
        max_requests=options.max_requests, seed=options.seed,
        on_start=lambda: cpu_before.append(server.worker_cpu_seconds(live)),
    )  # fmt: skip
    time.sleep(0.5)  # the workers flush their access log lines
    cpu = server.worker_cpu_seconds(live) - cpu_before[0]
    speed_after = calibration_ms()
    worker_ms = server.server_times(live.access_log)
    table = result.table()
    for op, row in table.items():
        row["server"] = summary(worker_ms.get(op, []))
    total = sum(row["requests"] for row in table.values())
    return {
        "users": result.users,
        "seconds": round(result.seconds, 1),
        "requests": total,
        "requests_per_second": round(total / max(result.seconds, 1e-9), 1),
        "worker_cpu_ms_per_request": round(cpu * 1000 / max(total, 1), 1),
        # The machine's speed around the run (`calibrate`): the same code costs more CPU a
        # request on a machine that takes longer here.
        "calibration_ms": [speed_before, speed_after],
        "errors": len(result.errors),
        "error_examples": result.errors[:10],
        "workers": server.WORKERS,
        "operations": table,
    }


def _page_paths(subject: dict) -> dict[str, str]:
    return {
        "day": "/day/",
        "person page": f"/people/{subject['person']}/",
        "search": f"/people/?q={quote(subject['family_name'])}",
        "register form": "/people/new/",
        "visit form": f"/visits/new/?person={subject['person']}",
        "anonymous visit form": "/visits/new/",
    }


def _weights(live: server.Server, plan: load.UserPlan, subject: dict) -> list[dict]:
    signed_out = Session(live.base_url)
    rows = [{"page": "login"} | pages.weigh(pages.session_fetch(signed_out), "/login/").as_dict()]
    agent = Session(live.base_url)
    agent.log_in(plan.username, PASSWORD)
    fetch = pages.session_fetch(agent)
    for name, path in _page_paths(subject).items():
        rows.append({"page": name} | pages.weigh(fetch, path).as_dict())
    for name, path in followup_pages.agent_paths(subject).items():
        rows.append({"page": name} | pages.weigh(fetch, path).as_dict())
    if subject.get("manager"):
        manager = Session(live.base_url)
        manager.log_in(subject["manager"], PASSWORD)
        fetch = pages.session_fetch(manager)
        for name, path in followup_pages.MANAGER_PATHS.items():
            rows.append({"page": name} | pages.weigh(fetch, path).as_dict())
    return rows


def _browser_targets(subject: dict) -> list[browser.Target]:
    return [
        browser.Target("login", "/login/", "#id_username", signed_in=False),
        browser.Target("day", "/day/", "#id_q"),
        browser.Target("person page", f"/people/{subject['person']}/", "h1"),
    ]


def write_report(results: dict) -> tuple[Path, Path]:
    return report.write(results, Path(settings.BASE_DIR) / "docs")

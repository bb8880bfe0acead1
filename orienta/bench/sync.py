"""The sync stage: SYNC.md §9's targets measured on the bench's data.

- Bytes per record on the wire: journal entries of the busiest site's persons, visits and cases
  (the generator's rows, journaled as `backfill` journals them for a first pull) and of real
  edits made through the services (`person_update`, `case_update`) in a transaction rolled back
  at once; put in push and pull messages and compressed by `wire.compress`, in batches.
- A node's first sync of the busiest site: a node (a second Orienta on SQLite, ORIENTA_NODE=1,
  in its own process) enrolled to the central server (gunicorn on PostgreSQL) and synced;
  bytes and round trips counted in gunicorn's access log; the time at a slow link computed.
- Round trips when idle: the same node syncs again with nothing to do.
- Changes applied per hour: N nodes enrolled at the sites push batches of real changes at once
  (new visits of the site's persons, edits of its persons), each node on its own connection
  after the other, as fast as the central server answers.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from orienta.bench import server
from orienta.cases.models import Case
from orienta.cases.services import CaseRefused, case_update
from orienta.core.models import Role, Site, User
from orienta.frontdesk.models import Visit
from orienta.lib.ids import uuid7
from orienta.people.models import Person
from orienta.people.services import person_update
from orienta.sync import backfill, capture, classification, client, exchange, services
from orienta.sync.models import Change, Node, Op
from orienta.sync.wire import (
    PROTOCOL,
    SCHEMA,
    clock,
    compress,
    decompress,
    pack_message,
    row_values,
    unpack_message,
)

# SYNC.md §9.
TARGET_FULL_BYTES = 120
TARGET_UPDATE_BYTES = 70
TARGET_IDLE_ROUND_TRIPS = 1
TARGET_CHANGES_PER_HOUR = 500_000
TARGET_SITE_PERSONS = 40_000
# The slow link of the first sync: 400 kbit/s, and a round trip of 600 ms (2G).
LINK_BITS_PER_SECOND = 400_000
LINK_RTT_SECONDS = 0.6
BATCH_SIZES = (50, 100, 200)
NODE_KEEP = {"django_migrations", "sqlite_sequence"}


@dataclass
class SyncOptions:
    sample: int = 200  # records per model for the bytes on the wire
    nodes: int = 8  # nodes pushing at once
    batches: int = 5  # batches each node pushes
    batch_size: int = 100  # changes per pushed batch
    port: int = 8700  # gunicorn's port (the first free one from there)
    # The nodes push at once; False: one node after the other (the tests' live server on an
    # SQLite database in memory serves one request at a time).
    at_once: bool = True


class _Rollback(Exception):
    pass


def site_user(site: Site) -> User:
    """Who edits at the site: its manager (who may change every case), else an agent."""
    users = User.objects.filter(sites=site, is_active=True).order_by("username")
    found = users.filter(role=Role.MANAGER).first() or users.filter(role=Role.AGENT).first()
    if found is None:
        raise RuntimeError(f"no manager nor agent at {site.code}")
    return found


def busiest_site() -> Site:
    top = (
        Person.objects.values("site")
        .annotate(n=Count("pk"))
        .order_by("-n", "site")
        .values_list("site", flat=True)
        .first()
    )
    return Site.objects.get(pk=top)


# ---------------------------------------------------------------------------------------------
# Bytes per record
# ---------------------------------------------------------------------------------------------


def _push_body(changes: list[Change], protocol: int = PROTOCOL) -> dict[str, Any]:
    body = {
        "protocol": protocol,
        "schema": SCHEMA,
        "node": str(uuid7()),
        "batch": str(uuid7()),
        "cursor": 123456,
        "changes": [client._message(c) for c in changes],
        "backlog": 0,
        "app_version": client.APP_VERSION,
        "max_bytes": 48_000,
    }
    return pack_message(body, protocol)


def _pull_body(changes: list[Change], protocol: int = PROTOCOL) -> dict[str, Any]:
    rows = [exchange._message(c) for c in changes]
    body = {
        "protocol": protocol,
        "schema": SCHEMA,
        "acks": [],
        "changes": rows,
        "cursor": rows[-1]["seq"] if rows else 0,
        "more": True,
        "allowance": None,
        "currency": "",
        "code_block": 1,
    }
    return pack_message(body, protocol)


def bytes_per_record(changes: list[Change], size: int) -> dict[str, Any]:
    """Compressed bytes per change of whole messages (push and pull) of `size` changes each,
    over as many batches as `changes` fill, as this version's protocol writes them (and as
    protocol 1 did)."""
    push = pull = push1 = pull1 = batches = 0
    for start in range(0, len(changes) - size + 1, size):
        chunk = changes[start : start + size]
        push += len(compress(_push_body(chunk)))
        pull += len(compress(_pull_body(chunk)))
        push1 += len(compress(_push_body(chunk, 1)))
        pull1 += len(compress(_pull_body(chunk, 1)))
        batches += 1
    if not batches:
        return {"batch": size, "batches": 0}
    n = batches * size
    return {
        "batch": size,
        "batches": batches,
        "push_bytes": round(push / n, 1),
        "pull_bytes": round(pull / n, 1),
        # The same messages as protocol 1 writes them (one object per change), for comparison.
        "push_bytes_p1": round(push1 / n, 1),
        "pull_bytes_p1": round(pull1 / n, 1),
    }


def _journal_creations(rows: list[Any]) -> list[Change]:
    """The creations a first pull sends for `rows`, journaled as `backfill` journals them."""
    made = []
    for row in rows:
        rule = classification.rule_for(type(row))
        assert rule is not None
        values = backfill.creation_values(row, rule)
        made.append(capture.write(row=row, rule=rule, op=Op.CREATE, fields=values, base_version=0))
    return made


def _edits(site: Site, sample: int) -> None:
    """Real edits through the services: persons' phone and locality, cases' risk."""
    agent = site_user(site)
    persons = Person.objects.filter(site=site, merged_into=None, erased_at=None).order_by("pk")
    named = Person.objects.filter(site=site).exclude(locality="")
    localities = list(named.values_list("locality", flat=True)[:50]) or ["Centre"]
    for i, person in enumerate(persons[:sample]):
        person_update(
            person=person,
            data={"locality": localities[i % len(localities)] + " 2", "phone_alt": ""},
            expected_version=person.version,
            by=agent,
        )
    cases = Case.objects.filter(site=site, closed_at=None).order_by("pk")[:sample]
    risks = ["low", "medium", "high"]
    for case in cases:
        risk = next(r for r in risks if r != case.risk)
        try:
            case_update(case=case, by=agent, data={"risk": risk}, expected_version=case.version)
        except (PermissionDenied, CaseRefused):
            continue  # a sensitive case of another agent's: left alone, as the page would


def wire(site: Site, sample: int) -> dict[str, Any]:
    """Bytes per record of full rows (persons, visits, cases, and the three mixed) and of
    updates, journaled in a transaction that is rolled back."""
    out: dict[str, Any] = {"site": site.code, "sample": sample}
    try:
        with transaction.atomic():
            first = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
            by_model = {}
            for model in (Person, Visit, Case):
                rows = list(model.objects.filter(site=site).order_by("pk")[:sample])
                by_model[model._meta.label] = _journal_creations(rows)
            mixed = [c for trio in zip(*by_model.values(), strict=False) for c in trio]
            out["full"] = {
                label: [bytes_per_record(changes, n) for n in BATCH_SIZES]
                for label, changes in (by_model | {"mixed": mixed}).items()
            }
            mark = Change.objects.order_by("-id").values_list("id", flat=True).first() or first
            _edits(site, sample)
            updates = list(Change.objects.filter(id__gt=mark, op=Op.UPDATE).order_by("id"))
            kinds: dict[str, int] = {}
            for c in updates:
                kinds[c.model] = kinds.get(c.model, 0) + 1
            out["updates"] = [bytes_per_record(updates, n) for n in BATCH_SIZES]
            out["update_changes"] = kinds
            out["update_fields"] = sorted({k for c in updates for k in c.fields})
            raise _Rollback
    except _Rollback:
        pass
    out["full_worst"] = max(
        (r["push_bytes"], r["pull_bytes"])[i]
        for rows in out["full"].values()
        for r in rows
        if r["batches"]
        for i in (0, 1)
    )
    out["updates_worst"] = max(
        max(r["push_bytes"], r["pull_bytes"]) for r in out["updates"] if r["batches"]
    )
    return out


# ---------------------------------------------------------------------------------------------
# A node in its own process
# ---------------------------------------------------------------------------------------------


class SiteNode:
    """A second Orienta on SQLite, run as a site's laptop runs it (ORIENTA_NODE=1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ) | {
            "ORIENTA_NODE": "1",
            "DATABASE_URL": f"sqlite:///{path}",
            "ORIENTA_DEMO": "0",
            "LOG_LEVEL": "ERROR",
        }
        for name in ("DATABASE_REPLICA_URL", "ORIENTA_BENCH_CHILD"):
            self.env.pop(name, None)
        self.manage("migrate", "--no-input", "-v", "0")
        # What `migrate` seeded is the central server's to send (with its own ids).
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys = OFF")
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            if table not in NODE_KEEP:
                db.execute(f'DELETE FROM "{table}"')  # noqa: S608 - the database's own names
        db.commit()
        db.close()

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=6 * 3600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"node: manage.py {args[0]}: {done.stdout}\n{done.stderr}")
        return done.stdout

    def sync(self) -> dict[str, Any]:
        """One `sync` (client.sync, as `manage.py sync` runs it), timed inside the process."""
        script = (
            "import json, time\n"
            "from orienta.sync import client\n"
            "t = time.monotonic()\n"
            "o = client.sync()\n"
            "print(json.dumps({'seconds': time.monotonic() - t, 'rounds': o.rounds,"
            " 'pulled': o.pulled, 'pushed': o.pushed, 'quarantined': o.quarantined}))\n"
        )
        return json.loads(self.manage("shell", "-c", script).strip().splitlines()[-1])

    def size(self) -> int:
        return self.path.stat().st_size


EXCHANGE_PATH = "/api/v1/sync/exchange"


def _log_requests(log: Path, skip: int) -> list[tuple[str, int, int]]:
    """The exchanges in the access log after its first `skip` lines: (status, response bytes,
    microseconds the worker spent)."""
    out = []
    for line in log.read_text().splitlines()[skip:]:
        parts = line.split()
        if len(parts) == 5 and parts[4] == EXCHANGE_PATH:
            out.append((parts[1], int(parts[2]) if parts[2].isdigit() else 0, int(parts[3])))
    return out


def first_sync(live: server.Server, site: Site, node_dir: Path) -> dict[str, Any]:
    """Enrol a node for the busiest site, sync it from empty, then sync it again idle."""
    node = SiteNode(node_dir / "sync-node.sqlite3")
    with transaction.atomic():
        _row, code = services.node_create(site=site, by=None, label="bench first sync")
    node.manage("sync_enrol", "--central", live.base_url, "--code", code)
    skip = len(live.access_log.read_text().splitlines())
    done = node.sync()
    time.sleep(0.5)  # the workers flush their access log lines
    requests = _log_requests(live.access_log, skip)
    pulled_bytes = sum(b for _s, b, _us in requests)
    round_trips = len(requests)
    skip = len(live.access_log.read_text().splitlines())
    idle = node.sync()
    time.sleep(0.5)
    idle_requests = _log_requests(live.access_log, skip)
    persons = Person.objects.filter(site=site).count()
    link = pulled_bytes * 8 / LINK_BITS_PER_SECOND + round_trips * LINK_RTT_SECONDS
    per_person = link / max(persons, 1)
    return {
        "site": site.code,
        "persons": persons,
        "changes": done["pulled"],
        "quarantined": done["quarantined"],
        "round_trips": round_trips,
        "errors": sum(1 for s, _b, _us in requests if s != "200"),
        "bytes": pulled_bytes,
        "bytes_per_change": round(pulled_bytes / max(done["pulled"], 1), 1),
        "seconds": round(done["seconds"], 1),
        "server_seconds": round(sum(us for _s, _b, us in requests) / 1e6, 1),
        "node_database_bytes": node.size(),
        "link_seconds": round(link, 1),
        "link_seconds_at_target": round(per_person * TARGET_SITE_PERSONS, 1),
        "idle_round_trips": len(idle_requests),
        "idle_bytes": sum(b for _s, b, _us in idle_requests),
        "idle_seconds": round(idle["seconds"], 2),
    }


# ---------------------------------------------------------------------------------------------
# Many nodes pushing at once
# ---------------------------------------------------------------------------------------------


@dataclass
class Pusher:
    token: str
    node: str
    batches: list[list[dict]]
    cursor: int
    applied: int = 0
    refused: int = 0
    errors: int = 0
    pulled: int = 0
    seconds: float = 0.0


def _enrolled(site: Site, label: str) -> tuple[Node, str]:
    with transaction.atomic():
        _row, code = services.node_create(site=site, by=None, label=label)
    return services.node_enrol(code=code)


def _changes_for(site: Site, index: int, count: int, batch_size: int) -> list[list[dict]]:
    """`count` batches of the changes a node of `site` makes: two new visits of the site's
    persons (the generator's visits' values, with a new id, time and agent) for each edit of a
    person's locality (node `index` edits its own slice of the site's persons)."""
    agent = site_user(site)
    templates = list(
        Visit.objects.filter(site=site, person__isnull=False).order_by("-occurred_at", "pk")[
            : 2 * count * batch_size
        ]
    )
    themes = {
        row.pk: sorted(str(t) for t in row.themes.values_list("pk", flat=True)) for row in templates
    }
    edits = count * batch_size // 3 + 1
    persons = list(
        Person.objects.filter(site=site, merged_into=None, erased_at=None).order_by("pk")[
            index * edits : (index + 1) * edits
        ]
    )
    top = exchange.horizon()
    now = timezone.now()
    batches: list[list[dict]] = []
    v = p = 0
    for _ in range(count):
        batch: list[dict] = []
        while len(batch) < batch_size:
            if len(batch) % 3 == 2 and p < len(persons):
                person = persons[p]
                p += 1
                fields = {
                    "locality": (person.locality or "Centre") + " 2",
                    "version": person.version + 1,
                    "updated_at": now.isoformat(),
                    "updated_by_id": str(agent.pk),
                }
                batch.append(_change(Person, person.pk, Op.UPDATE, fields, person.version, top))
                continue
            template = templates[v % len(templates)]
            v += 1
            values = row_values(template) | {
                "id": str(uuid7()),
                "occurred_at": (now - timedelta(seconds=v)).isoformat(),
                "created_at": now.isoformat(),
                "agent_id": str(agent.pk),
                "themes": themes[template.pk],
            }
            batch.append(_change(Visit, values["id"], Op.CREATE, values, 0, top))
        batches.append(batch)
    return batches


def _change(model: Any, pk: Any, op: str, fields: dict, base: int, top: int) -> dict[str, Any]:
    return {
        "id": str(uuid7()),
        "model": model._meta.label,
        "record": str(pk),
        "op": op,
        "base_version": base,
        "base_seq": top,
        "fields": fields,
        "hlc": clock.now(),
        "at": timezone.now().isoformat(),
    }


def _push_all(base_url: str, pusher: Pusher) -> None:
    """The node's round trips, one after the other, each with its batch and its cursor."""
    started = time.monotonic()
    for batch in pusher.batches:
        body = compress(
            pack_message(
                {
                    "protocol": PROTOCOL,
                    "schema": SCHEMA,
                    "node": pusher.node,
                    "batch": str(uuid7()),
                    "cursor": pusher.cursor,
                    "changes": batch,
                    "backlog": 0,
                    "app_version": client.APP_VERSION,
                    "max_bytes": 48_000,
                },
                PROTOCOL,
            )
        )
        request = urllib.request.Request(
            base_url + "/api/v1/sync/exchange",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Content-Encoding": "zstd",
                "Authorization": f"Node {pusher.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                answer = unpack_message(decompress(response.read()))
        except OSError:
            pusher.errors += 1
            continue
        pusher.cursor = max(pusher.cursor, int(answer["cursor"]))
        pusher.pulled += len(answer["changes"])
        for ack in answer["acks"]:
            if ack["status"] in ("applied", "merged"):
                pusher.applied += 1
            else:
                pusher.refused += 1
    pusher.seconds = time.monotonic() - started


def throughput(
    base_url: str, options: SyncOptions, cpu_seconds: Callable[[], float] = lambda: 0.0
) -> dict[str, Any]:
    """N nodes, enrolled over the sites, push their batches at once; the changes the central
    server applied per hour of wall time, and the CPU its workers spent on each (as
    `cpu_seconds` counts it)."""
    with_persons = Person.objects.values_list("site", flat=True).distinct()
    sites = list(Site.objects.filter(pk__in=with_persons).order_by("code"))
    pushers = []
    for i in range(options.nodes):
        site = sites[i % len(sites)]
        node, token = _enrolled(site, f"bench pusher {i + 1}")
        batches = _changes_for(site, i // len(sites), options.batches, options.batch_size)
        pushers.append(Pusher(token, str(node.pk), batches, exchange.horizon()))
    sent = sum(len(b) for p in pushers for b in p.batches)
    cpu_before = cpu_seconds()
    threads = [threading.Thread(target=_push_all, args=(base_url, p), daemon=True) for p in pushers]
    started = time.monotonic()
    for t in threads:
        t.start()
        if not options.at_once:
            t.join()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    cpu = cpu_seconds() - cpu_before
    applied = sum(p.applied for p in pushers)
    return {
        "nodes": options.nodes,
        "at_once": options.at_once,
        "sites": len({i % len(sites) for i in range(options.nodes)}),
        "batch_size": options.batch_size,
        "batches_per_node": options.batches,
        "changes_sent": sent,
        "applied": applied,
        "refused": sum(p.refused for p in pushers),
        "errors": sum(p.errors for p in pushers),
        "pulled": sum(p.pulled for p in pushers),
        "seconds": round(wall, 1),
        "changes_per_hour": round(applied * 3600 / max(wall, 1e-9)),
        "worker_cpu_ms_per_change": round(cpu * 1000 / max(applied, 1), 2),
        "workers": server.WORKERS,
        "database": connection.vendor,
    }


# ---------------------------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------------------------


def measure(options: SyncOptions, say: Any) -> dict[str, Any]:
    site = busiest_site()
    say(f"Sync: bytes per record on the wire ({site.code})…")
    out: dict[str, Any] = {"wire": wire(site, options.sample)}
    say("Sync: journaling the generated records for the first pulls…")
    t0 = time.monotonic()
    journaled = backfill.journal_missing()
    out["journal"] = {"written": journaled, "seconds": round(time.monotonic() - t0, 1)}
    say("Sync: starting gunicorn…")
    log_dir = Path(settings.BASE_DIR) / "var" / "bench"
    live = server.start(os.environ["DATABASE_URL"], log_dir, port=server.port_from(options.port))
    try:
        say(f"Sync: a node's first sync of {site.code}, then an idle sync…")
        out["first_sync"] = first_sync(live, site, log_dir)
        say(f"Sync: {options.nodes} nodes pushing at once…")
        out["throughput"] = throughput(
            live.base_url, options, lambda: server.worker_cpu_seconds(live)
        )
    finally:
        live.stop()
    out["snapshot"] = _snapshot_support()
    out["targets"] = {
        "full_bytes": TARGET_FULL_BYTES,
        "update_bytes": TARGET_UPDATE_BYTES,
        "idle_round_trips": TARGET_IDLE_ROUND_TRIPS,
        "changes_per_hour": TARGET_CHANGES_PER_HOUR,
        "site_persons": TARGET_SITE_PERSONS,
        "link_bits_per_second": LINK_BITS_PER_SECOND,
        "link_rtt_seconds": LINK_RTT_SECONDS,
    }
    return out


def _snapshot_support() -> bool:
    """Whether the sync app can seed a node from a signed snapshot file (SYNC.md §9)."""
    commands = Path(settings.BASE_DIR) / "orienta" / "sync" / "management" / "commands"
    return any("snapshot" in p.name for p in commands.glob("*.py"))

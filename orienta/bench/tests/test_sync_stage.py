"""The bench's sync stage at a tiny scale: bytes on the wire from the journal, nodes pushing to a
live central server, and its section of the report."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from orienta.bench import report
from orienta.bench import sync as stage
from orienta.bench.generate import generate
from orienta.conftest import _seed_again
from orienta.frontdesk.models import Visit
from orienta.people.models import Person
from orienta.sync.models import Change, Node, Receipt

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def _network():
    generate(persons=300, seed=3, sites=3, years=1, now=NOW)


@pytest.mark.django_db
def test_bytes_on_the_wire_come_from_journal_entries_and_leave_nothing_behind():
    _network()
    site = stage.busiest_site()
    versions = dict(Person.objects.filter(site=site).values_list("pk", "version"))
    journal = Change.objects.count()
    found = stage.wire(site, 60)
    assert found["site"] == site.code
    mixed = found["full"]["mixed"][0]
    assert (mixed["batch"], mixed["batches"]) == (50, 1)
    person = found["full"]["people.Person"][0]
    assert person["batches"] == 1 and 40 < person["push_bytes"] < 1000
    updates = found["updates"][0]
    assert updates["batches"] >= 1
    # Updates carry only the changed fields: fewer bytes than whole persons.
    assert 0 < updates["push_bytes"] < person["push_bytes"]
    assert found["update_changes"]["people.Person"] == 60
    assert {"locality", "version", "updated_at"} <= set(found["update_fields"])
    assert "given_name" not in found["update_fields"]
    assert found["full_worst"] >= person["push_bytes"]
    # The edits and their journal were rolled back.
    assert Change.objects.count() == journal
    assert dict(Person.objects.filter(site=site).values_list("pk", "version")) == versions


@pytest.mark.django_db(transaction=True)
def test_nodes_pushing_at_once_have_every_change_applied(live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    _seed_again()  # an earlier transactional test on this worker may have flushed the seeds
    _network()
    visits = Visit.objects.count()
    # At once on PostgreSQL; one after the other on the in-memory SQLite of the live server.
    at_once = connection.vendor == "postgresql"
    options = stage.SyncOptions(nodes=3, batches=2, batch_size=30, at_once=at_once)
    found = stage.throughput(live_server.url, options)
    assert found["changes_sent"] == 3 * 2 * 30
    assert (found["applied"], found["refused"], found["errors"]) == (180, 0, 0)
    assert found["changes_per_hour"] > 0 and found["sites"] == 3
    # Two new visits for each edit of a person, applied and journaled as the nodes' changes.
    assert Visit.objects.count() - visits == 120
    assert Person.objects.filter(locality__endswith=" 2").count() == 60
    pushers = set(
        Node.objects.filter(label__startswith="bench pusher").values_list("pk", flat=True)
    )
    assert len(pushers) == 3
    assert Change.objects.filter(origin__in=pushers).count() == 180
    assert Receipt.objects.filter(node__in=pushers, ack="applied").count() == 180


SECTION = {
    "targets": {
        "full_bytes": 120,
        "update_bytes": 70,
        "idle_round_trips": 1,
        "changes_per_hour": 500_000,
        "site_persons": 40_000,
        "link_bits_per_second": 400_000,
        "link_rtt_seconds": 0.6,
    },
    "dataset": {
        "persons": 5000,
        "visits": 16000,
        "sites": 3,
        "seed": 1,
        "db": "postgres",
        "date": "2026-12-03",
        "cpus": 2,
        "database": "PostgreSQL 16",
        "load_average": [1.0, 1.0, 1.0],
        "command": 'make bench BENCH_ARGS="--persons 5000 --sites 3 --only sync"',
    },
    "wire": {
        "site": "TD-NDJ1",
        "sample": 200,
        "full": {"people.Person": [{"batch": 50, "batches": 4, "push_bytes": 98.5,
                                    "pull_bytes": 101.2}]},
        "updates": [{"batch": 50, "batches": 6, "push_bytes": 75.0, "pull_bytes": 60.1}],
        "update_changes": {"people.Person": 200, "cases.Case": 100},
        "update_fields": ["locality", "version"],
        "full_worst": 101.2,
        "updates_worst": 75.0,
    },
    "journal": {"written": 50000, "seconds": 60.0},
    "first_sync": {
        "site": "TD-NDJ1", "persons": 2000, "changes": 21000, "quarantined": 0,
        "round_trips": 30, "errors": 0, "bytes": 1_400_000, "bytes_per_change": 66.7,
        "seconds": 80.0, "server_seconds": 12.0, "node_database_bytes": 30_000_000,
        "link_seconds": 46.0, "link_seconds_at_target": 920.0, "idle_round_trips": 1,
        "idle_bytes": 120, "idle_seconds": 0.2,
    },
    "throughput": {
        "nodes": 8, "sites": 3, "batch_size": 100, "batches_per_node": 5,
        "changes_sent": 4000, "applied": 4000, "refused": 0, "errors": 0, "pulled": 100,
        "seconds": 20.0, "changes_per_hour": 720_000, "worker_cpu_ms_per_change": 2.5,
        "workers": 2, "database": "postgresql",
    },
    "snapshot": False,
}  # fmt: skip


def test_the_report_puts_each_figure_beside_its_target():
    text = report._sync({"sync": SECTION})
    assert "## Sync" in text
    assert "| bytes per record, full rows, batches of 50+ | ≤ 120 | 101.2" in text
    assert "| bytes per record, updates, batches of 50+ | ≤ 70 | 75.0" in text
    assert "75.0 (worst of push and pull) | **missed** |" in text
    assert "| round trips of a sync with nothing to do | 1 | 1 | met |" in text
    assert "| ≥ 500,000 | 720,000 | met |" in text
    assert "*extrapolated*" in text and "15 min" in text  # 920 s for 40,000 persons
    assert "is not built" in text
    assert "--only sync" in text


def test_a_run_of_the_sync_stage_alone_keeps_the_rest_of_the_report():
    previous = {
        "dataset": {"persons": 1_000_000, "seed": 1, "generated_on": "2026-11-30"},
        "options": {"db": "postgres"},
        "load": {"users": 50},
        "history": [{"db": "postgres", "persons": 1_000_000, "users": 50}],
    }
    small = {
        "dataset": {"persons": 5000, "seed": 1, "generated_on": "2026-12-03"},
        "options": {"db": "postgres"},
        "sync": SECTION,
    }
    merged = report._merge(previous, small)
    assert merged["dataset"]["persons"] == 1_000_000 and merged["load"] == {"users": 50}
    assert merged["sync"] is SECTION and merged["history"] == previous["history"]
    # A later run of other stages keeps the sync section, which names its own data.
    later = {
        "dataset": {"persons": 20_000, "seed": 1, "generated_on": "2026-12-04", "visits": 1},
        "options": {"db": "postgres"},
        "generation": {"rows_per_second": 1},
        "load": {"users": 10},
    }
    again = report._merge(merged, later)
    assert again["sync"] is SECTION and again["load"] == {"users": 10}

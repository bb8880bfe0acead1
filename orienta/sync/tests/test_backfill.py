"""The backfill: records that exist without a journal entry get the creation journaling each of
them one by one would have written, numbered in order, parents first, once."""

from datetime import timedelta
from math import ceil

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orienta.cases.services import case_open
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.services import visit_record
from orienta.fund.tests.factories import make_fund
from orienta.sync import backfill, capture, classification
from orienta.sync.models import Change, Counter, Op
from orienta.sync.wire import row_values

# Every field of an entry but its identity, its number and its clock stamp.
WRITTEN = (
    "model",
    "record",
    "op",
    "base_version",
    "base_seq",
    "version",
    "fields",
    "author",
    "at",
    "site_id",
    "shared",
    "origin",
    "batch",
    "ack",
    "reason",
)


@pytest.fixture
def records(world, users, persons):
    """Records of every shape: many-to-many sets (a visit's and a case's themes, a service's
    themes, a user's sites), a site reached through another row (a ledger entry's account)."""
    themes = list(Theme.objects.filter(code__in=["health", "education"]))
    make_service(world["provider_org"], name="Consultation prénatale", themes=themes)
    make_fund(
        world["td"], coordinator=users["coordinator_td"], allocations=[(world["sites"]["td"], 5000)]
    )
    case_open(
        person=persons["person_td"], by=users["agent_td"], needs=themes, risk="low", assessment="-"
    )
    visits(world, users, persons, 3)


def visits(world, users, persons, count):
    for i in range(count):
        visit_record(
            site=world["sites"]["td"],
            by=users["agent_td"],
            person=persons["person_td"],
            data={
                "occurred_at": timezone.now() - timedelta(minutes=i + 1),
                "channel": "walk_in",
                "outcome": "informed",
                "themes": ["health", "education"][: i % 2 + 1],
            },
        )


def one_by_one():
    """What the journal held after journaling each record with `capture.write`, its fields and
    sets read row by row (the backfill's first shape, kept here as the reference)."""
    for model in classification.synced_models():
        rule = classification.rule_for(model)
        for row in model._base_manager.order_by("pk"):
            values = row_values(row)
            for name in rule.exclude:
                values.pop(name, None)
            for field in row._meta.many_to_many:
                if field.name not in rule.exclude:
                    pks = getattr(row, field.name).values_list("pk", flat=True)
                    values[field.name] = sorted(str(pk) for pk in pks)
            capture.write(row=row, rule=rule, op=Op.CREATE, fields=values, base_version=0)
    return entries()


def entries():
    return list(Change.objects.order_by("seq").values(*WRITTEN, "seq", "hlc"))


def written(rows):
    return [{k: row[k] for k in WRITTEN} for row in rows]


def counter():
    return Counter.objects.get(name="seq").value


def test_the_backfill_writes_what_journaling_each_record_one_by_one_wrote(
    stopped_clock, records, monkeypatch
):
    monkeypatch.setattr(backfill, "CHUNK", 3)
    Change.objects.all().delete()
    expected = one_by_one()
    Change.objects.all().delete()

    assert backfill.journal_missing() == len(expected)

    assert written(entries()) == written(expected)
    # The reference holds what the comparison is about.
    by_model = {}
    for row in expected:
        by_model.setdefault(row["model"], []).append(row)
    assert any(row["fields"]["themes"] for row in by_model["frontdesk.Visit"])
    assert any(len(row["fields"]["themes"]) == 2 for row in by_model["directory.Service"])
    assert any(row["fields"]["needs"] for row in by_model["cases.Case"])
    assert any(row["fields"]["sites"] for row in by_model["core.User"])
    assert "person_seq" not in by_model["core.Site"][0]["fields"]
    ledger = by_model["fund.LedgerEntry"]
    assert ledger and all(row["site_id"] is not None and not row["shared"] for row in ledger)
    assert len(by_model["core.User"]) > 2 * backfill.CHUNK


def test_each_chunk_takes_one_block_of_numbers_parents_first(records, monkeypatch):
    monkeypatch.setattr(backfill, "CHUNK", 3)
    Change.objects.all().delete()
    before = counter()
    counts = {m: m._base_manager.count() for m in classification.synced_models()}

    with CaptureQueriesContext(connection) as queries:
        total = backfill.journal_missing()

    rows = entries()
    assert total == len(rows) == sum(counts.values())
    # No gap: the numbers follow on from the counter, which ends at the last one given.
    assert [row["seq"] for row in rows] == list(range(before + 1, before + total + 1))
    assert counter() == before + total
    hlcs = [row["hlc"] for row in rows]
    assert hlcs == sorted(set(hlcs))
    order = [m._meta.label for m in classification.synced_models()]
    positions = [order.index(row["model"]) for row in rows]
    assert positions == sorted(positions)
    assert order.index("people.Person") < order.index("frontdesk.Visit")
    # One statement numbers a whole chunk.
    table = Counter._meta.db_table
    reserved = [q for q in queries.captured_queries if f'UPDATE "{table}"' in q["sql"]]
    assert len(reserved) == sum(ceil(n / backfill.CHUNK) for n in counts.values())


def test_records_already_journaled_are_skipped_and_a_second_run_writes_nothing(
    records, persons, monkeypatch
):
    monkeypatch.setattr(backfill, "CHUNK", 3)
    person = persons["person_td"]
    kept = Change.objects.get(model="people.Person", record=str(person.pk), op=Op.CREATE)
    Change.objects.exclude(pk=kept.pk).delete()
    synced = sum(m._base_manager.count() for m in classification.synced_models())

    assert backfill.journal_missing() == synced - 1

    assert list(Change.objects.filter(model="people.Person", record=str(person.pk))) == [kept]
    assert Change.objects.count() == synced
    assert backfill.journal_missing() == 0
    assert Change.objects.count() == synced


def test_the_queries_do_not_grow_with_the_records(world, users, persons, records):
    def queries():
        Change.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            backfill.journal_missing()
        return len(captured.captured_queries)

    few = queries()
    visits(world, users, persons, 12)
    make_fund(
        world["mz"], coordinator=users["coordinator_mz"], allocations=[(world["sites"]["mz"], 900)]
    )
    assert queries() == few


def test_a_node_journals_nothing(records, settings):
    Change.objects.all().delete()
    settings.ORIENTA_NODE = True
    assert backfill.journal_missing() == 0
    assert not Change.objects.exists()

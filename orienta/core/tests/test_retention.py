"""Retention: a record past its period is anonymised, one within it is not; the periods are
set by administrators; `run_tasks` runs every app's scheduled work."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orienta.audit import tasks as audit_tasks
from orienta.core import retention
from orienta.core.models import Event, RetentionPeriod, Theme
from orienta.frontdesk.models import Visit
from orienta.frontdesk.services import visit_record
from orienta.lib import plugins
from orienta.people.models import ConsentEvent, MatchDecision, Person
from orienta.people.retention import INACTIVE_KIND, RULES

YEAR = datetime.timedelta(days=365)


def _age(person, years: float) -> None:
    """Make the person and everything about them `years` old (as if written back then)."""
    then = timezone.now() - years * YEAR
    Person.objects.filter(pk=person.pk).update(created_at=then, updated_at=then)
    ConsentEvent.objects.filter(person=person).update(at=then)
    MatchDecision.objects.filter(person=person).update(decided_at=then)
    Visit.objects.filter(person=person).update(occurred_at=then, created_at=then, updated_at=then)


def _visit(person, by, years_ago: float):
    visit = visit_record(
        site=person.site,
        by=by,
        person=person,
        data={
            "themes": [Theme.objects.get(code="health")],
            "channel": "walk_in",
            "outcome": "informed",
            "notes": "Came with her child",
            "occurred_at": timezone.now() - years_ago * YEAR,
        },
    )
    then = timezone.now() - years_ago * YEAR
    Visit.objects.filter(pk=visit.pk).update(created_at=then, updated_at=then)
    return visit


@pytest.fixture
def old(persons, users):
    """person_td: nothing for 11 years. person_td2: registered 11 years ago, seen 2 years ago.
    person_mz: registered today."""
    _visit(persons["person_td"], users["agent_td"], years_ago=11)
    _age(persons["person_td"], 11)
    _age(persons["person_td2"], 11)
    _visit(persons["person_td2"], users["agent_td2"], years_ago=2)
    return persons


@pytest.fixture
def registry_rule_only(monkeypatch):
    """Only the registry's rule, whatever the other apps hold in their retention modules."""
    monkeypatch.setattr(retention, "_gather", lambda: (list(RULES), {}))


def _mine(outcomes):
    return next(o for o in outcomes if o.rule.kind == INACTIVE_KIND)


def _state(person):
    person = Person.objects.get(pk=person.pk)
    return person.erased_at, person.given_name, person.version


def test_every_apps_rules_are_found_with_their_default(db):
    kinds = {rule.kind: rule for rule in retention.rules()}
    assert kinds[INACTIVE_KIND].default_days == 3650
    assert retention.periods()[INACTIVE_KIND] == 3650


def test_a_person_past_the_period_is_erased_and_the_others_are_not(old, db):
    mine = _mine(retention.retention_run(timezone.now()))
    assert (mine.count, mine.error, mine.days) == (1, "", 3650)
    gone = Person.objects.get(pk=old["person_td"].pk)
    assert gone.erased_at is not None and gone.given_name == "—" and gone.phone == ""
    assert gone.code.startswith("ANON-")
    assert set(Visit.objects.filter(person=gone).values_list("notes", flat=True)) == {""}
    event = Event.objects.get(verb="person.erased", object_id=gone.pk)
    assert event.actor is None and INACTIVE_KIND in event.data["reason"]
    for kept in ("person_td2", "person_mz"):
        person = Person.objects.get(pk=old[kept].pk)
        assert person.erased_at is None and person.given_name == old[kept].given_name
    row = RetentionPeriod.objects.get(kind=INACTIVE_KIND)
    assert (row.days, row.last_count) == (3650, 1) and row.last_run_at is not None
    # Run again: nothing more to do.
    assert _mine(retention.retention_run(timezone.now())).count == 0


def test_a_dry_run_counts_and_changes_nothing(old, db):
    before = {key: _state(p) for key, p in old.items()}
    events = Event.objects.count()
    outcomes = retention.retention_run(timezone.now(), dry_run=True)
    assert _mine(outcomes).count == 1
    assert {key: _state(p) for key, p in old.items()} == before
    assert Event.objects.count() == events
    assert not RetentionPeriod.objects.filter(last_run_at__isnull=False).exists()


def test_the_period_set_by_an_administrator_is_the_one_applied(old, db):
    RetentionPeriod.objects.create(kind=INACTIVE_KIND, days=12 * 365)
    assert _mine(retention.retention_run(timezone.now())).count == 0
    assert Person.objects.get(pk=old["person_td"].pk).erased_at is None
    RetentionPeriod.objects.filter(kind=INACTIVE_KIND).update(days=365)
    assert _mine(retention.retention_run(timezone.now())).count == 2  # person_td2 too, now


def test_any_change_to_the_record_counts_as_activity(old, users, db):
    person = Person.objects.get(pk=old["person_td"].pk)
    Person.objects.filter(pk=person.pk).update(updated_at=timezone.now() - YEAR)
    assert _mine(retention.retention_run(timezone.now())).count == 0


def _broken_rule(old):
    def broken(cutoff, dry_run):
        Person.objects.filter(pk=old["person_mz"].pk).update(given_name="half done")
        raise RuntimeError("disk full")

    return retention.Rule("test.broken", "Broken", 10, broken)


def test_a_failing_rule_is_reported_and_rolled_back(old, db, monkeypatch):
    monkeypatch.setattr(retention, "_gather", lambda: ([_broken_rule(old), *RULES], {}))
    outcomes = retention.retention_run(timezone.now())
    assert outcomes[0].error == "RuntimeError: disk full"
    assert (outcomes[1].rule.kind, outcomes[1].count) == (INACTIVE_KIND, 1)
    assert "test.broken: FAILED RuntimeError: disk full" in retention.summary(outcomes)
    assert not Person.objects.filter(given_name="half done").exists()


def test_an_app_whose_rules_do_not_load_is_reported_and_the_others_run(old, db, tmp_path):
    real = plugins.import_module

    def import_module(name, *args):
        if name == "orienta.people.retention":
            return real(name, *args)
        raise ImportError(f"cannot import {name}")

    from unittest import mock

    with mock.patch.object(plugins, "import_module", import_module):
        outcomes = retention.retention_run(timezone.now())
    failed = [o for o in outcomes if o.error]
    assert failed and all("ImportError" in o.error for o in failed)
    assert _mine(outcomes).count == 1


def test_a_failing_rule_fails_the_task_but_keeps_what_the_others_did(old, db, monkeypatch):
    monkeypatch.setattr(retention, "_gather", lambda: ([_broken_rule(old), *RULES], {}))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 task\\(s\\) failed: core"):
        call_command("run_tasks", "--only", "core", stdout=out, stderr=err)
    assert "core: PARTLY FAILED retention: test.broken: FAILED RuntimeError" in err.getvalue()
    assert Person.objects.get(pk=old["person_td"].pk).erased_at is not None
    assert not Person.objects.filter(given_name="half done").exists()


def test_run_tasks_finds_every_apps_tasks():
    from orienta.core.management.commands.run_tasks import task_modules

    assert {"core", "audit"} <= set(task_modules())


def test_run_tasks_runs_the_tasks_and_reports_them(old, db, registry_rule_only):
    out = StringIO()
    call_command("run_tasks", "--only", "core", "--only", "audit", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"core: retention: {INACTIVE_KIND}: 1" in lines
    assert "audit: exports: 0 expired files removed" in lines


def test_run_tasks_goes_on_past_a_failing_task_and_exits_non_zero(
    old, db, monkeypatch, registry_rule_only
):
    def broken(now):
        Person.objects.filter(pk=old["person_mz"].pk).update(given_name="half done")
        raise RuntimeError("no space left")

    monkeypatch.setattr(audit_tasks, "run", broken)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 task\\(s\\) failed: audit"):
        call_command("run_tasks", "--only", "audit", "--only", "core", stdout=out, stderr=err)
    assert "audit: FAILED RuntimeError: no space left" in err.getvalue()
    assert f"core: retention: {INACTIVE_KIND}: 1" in out.getvalue()
    assert Person.objects.get(pk=old["person_td"].pk).erased_at is not None  # core committed
    assert not Person.objects.filter(given_name="half done").exists()  # audit rolled back


def test_administrators_see_and_change_every_period(client, users, db):
    client.force_login(users["admin_user"])
    page = client.get("/admin/core/retentionperiod/")
    assert page.status_code == 200
    row = RetentionPeriod.objects.get(kind=INACTIVE_KIND)
    assert row.days == 3650
    response = client.post(
        f"/admin/core/retentionperiod/{row.pk}/change/", {"kind": INACTIVE_KIND, "days": "0"}
    )
    assert response.status_code == 200  # refused: at least one day
    response = client.post(
        f"/admin/core/retentionperiod/{row.pk}/change/", {"kind": INACTIVE_KIND, "days": "2000"}
    )
    assert response.status_code == 302
    assert retention.periods()[INACTIVE_KIND] == 2000

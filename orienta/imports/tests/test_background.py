"""Files above a request's limits: their dry run and their import are handed to the task queue
and run by its worker (here, the task called as the worker calls it: the queue is the test's
dummy one, and one test goes through `manage.py db_worker`). The dry run's report is kept on
the import and shown without being computed again; the import is all-or-nothing and written
once, however often it is tried."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.test import override_settings

from orienta.core.models import Event, User
from orienta.core.tests.test_task_queue import DATABASE_QUEUE
from orienta.frontdesk.models import Visit
from orienta.imports import readers, services, tasks
from orienta.imports.models import Failure, ImportedSubmission, ImportRun, RunStatus
from orienta.imports.targets import TARGETS
from orienta.imports.tests.conftest import kobo_csv, kobo_csv_large
from orienta.testing import access as matrix

SIZE = 360
IMPORT_BUTTON = '<button type="submit">'  # the page's others have a class
ACHTA = "Visites.csv:2"  # the look-alike of the file: Achta Mahamat, line 2


@pytest.fixture
def queue(settings):
    """A queue that keeps what it is handed (the worker is the test)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def work(queue, step):
    """The worker: the tasks of this step waiting in the queue, each run as db_worker runs it."""
    waiting = [
        r for r in queue.results if r.task.func is tasks.import_step.func and r.args[1] == step
    ]
    assert waiting, f"no {step} waiting"
    for result in waiting:
        queue.results.remove(result)
    return [tasks.import_step.call(*result.args) for result in waiting]


@pytest.fixture
def small_is_large(monkeypatch):
    """The fixture's 7 submissions make a large file (for the tests that need no volume)."""
    monkeypatch.setattr(readers, "MAX_SUBMISSIONS", 5)


def _written():
    return Visit.objects.count(), ImportedSubmission.objects.count()


def _mapped(site, user, raw, django_capture_on_commit_callbacks, name="Visites.csv"):
    """A file uploaded and mapped as the pages do; its dry run handed to the queue."""
    run = services.import_upload(site=site, kind="visits", name=name, raw=raw, by=user)
    assert run.background and run.status == RunStatus.UPLOADED
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_map(run=run, mapping=run.mapping, options={}, by=user)
    assert run.status == RunStatus.QUEUED
    return run


def test_a_large_file_is_checked_then_imported_by_the_worker_and_written_once(
    client, users, persons, queue, django_capture_on_commit_callbacks, monkeypatch
):
    agent = users["agent_td"]
    client.force_login(agent)
    page = client.post(
        "/imports/",
        {"site": "TD-NDJ1", "kind": "visits", "file": _file("Visites.csv", kobo_csv_large())},
    )
    run = ImportRun.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/imports/{run.pk}/map/"
    assert run.background and run.status == RunStatus.UPLOADED
    mapping = {f"f:{k}": v for k, v in run.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/imports/{run.pk}/map/", mapping)
    assert page["Location"] == f"/imports/{run.pk}/check/"
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and len(queue.results) == 1

    # While it waits, the page says so and reloads itself (no script); nothing is written.
    page = client.get(f"/imports/{run.pk}/check/")
    assert page.status_code == 200 and page["Refresh"] == "5"
    assert "waits its turn" in page.text and "<script" not in page.text.split("</head>")[1]
    assert client.get(f"/imports/{run.pk}/")["Refresh"] == "5"
    assert _written() == (0, 0)

    assert work(queue, "check") == [f"import {run.pk}: checked, 0 errors"]
    assert tasks.import_step.call(str(run.pk), "check").endswith("nothing to check")
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and _written() == (0, 0)  # a dry run writes nothing
    assert run.report["counts"]["submissions"] == SIZE
    assert run.report["counts"]["visit_created"] == SIZE
    assert [a["name"] for a in run.report["lookalikes"]] == ["Achta Mahamat"]
    assert run.report["lookalikes"][0]["candidates"] == [str(persons["person_td"].pk)]

    # The report is the stored one: the page does not check the file again.
    def no_second_check(**kwargs):
        raise AssertionError("checked again")

    import_check = services.import_check
    monkeypatch.setattr(services, "import_check", no_second_check)
    for language, heading, large in (
        ("en", "What the import would write", "A large file: the server made this dry run"),
        ("fr", "Ce que l’import enregistrerait", "Un fichier volumineux : le serveur a fait"),
        ("pt", "O que a importação gravaria", "Um ficheiro grande: o servidor fez"),
    ):
        monkeypatch.setattr(User, "preferred_language", lambda self, lang=language: lang)
        page = client.get(f"/imports/{run.pk}/check/")
        assert page.status_code == 200 and "Refresh" not in page
        assert heading in page.text and large in page.text, language
        assert "Achta Mahamat" in page.text and persons["person_td"].code in page.text
        assert f'name="d:{ACHTA}"' in page.text and IMPORT_BUTTON in page.text
    monkeypatch.setattr(User, "preferred_language", lambda self: "en")
    monkeypatch.setattr(services, "import_check", import_check)

    # Every look-alike decided first: else the import is not queued.
    undecided = client.post(f"/imports/{run.pk}/import/")
    assert undecided.status_code == 422 and "Say for every look-alike" in undecided.text
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and queue.results == []
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/imports/{run.pk}/import/", {f"d:{ACHTA}": "new"})
    assert page.status_code == 302 and page["Location"] == f"/imports/{run.pk}/check/"
    run.refresh_from_db()
    assert run.status == RunStatus.TO_IMPORT and run.decisions == {ACHTA: "new"}
    page = client.get(f"/imports/{run.pk}/check/")
    assert page["Refresh"] == "5" and "Import waiting its turn" in page.text
    # Meanwhile the mapping is not changed, nor the import asked for twice.
    assert client.post(f"/imports/{run.pk}/map/", mapping).status_code == 422
    assert client.post(f"/imports/{run.pk}/import/", {f"d:{ACHTA}": "new"}).status_code == 200
    assert len(queue.results) == 1

    assert work(queue, "import") == [f"import {run.pk}: imported"]
    assert tasks.import_step.call(str(run.pk), "import").endswith("nothing to import")
    assert _written() == (SIZE, SIZE)
    run.refresh_from_db()
    assert run.status == RunStatus.IMPORTED and run.content is None
    assert run.counts["imported"] == SIZE
    # The names the report held go with the file; the summary stays.
    assert "Achta" not in json.dumps(run.report) and run.report["lookalikes"] == 1
    page = client.get(f"/imports/{run.pk}/check/")
    assert page["Location"] == f"/imports/{run.pk}/"
    detail = client.get(page["Location"])
    assert "Refresh" not in detail and f"Imported: {SIZE} submissions" in detail.text
    assert Event.objects.filter(verb="import.done").count() == 1

    data = client.get(f"/api/v1/imports/{run.pk}", **matrix.api_headers(users, "agent_td")).json()
    assert data["status"] == "imported" and data["background"] is True
    assert data["report"]["counts"]["submissions"] == SIZE
    assert data["report"]["lookalikes"] == 1 and data["report"]["errors"] == 0

    # The same export again: the dry run finds every submission imported; the import writes
    # nothing.
    again = _mapped(
        persons["person_td"].site, agent, kobo_csv_large(), django_capture_on_commit_callbacks
    )
    work(queue, "check")
    again.refresh_from_db()
    assert again.report["counts"]["already"] == SIZE and again.report["lookalikes"] == []
    with django_capture_on_commit_callbacks(execute=True):
        services.import_queue(run=again, by=agent, decisions={})
    work(queue, "import")
    again.refresh_from_db()
    assert again.status == RunStatus.IMPORTED and again.counts["already"] == SIZE
    assert again.counts.get("imported", 0) == 0
    assert _written() == (SIZE, SIZE)


def _file(name, data):
    import io

    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_a_bad_date_on_line_350_fails_the_dry_run_with_its_line(
    client, users, persons, queue, django_capture_on_commit_callbacks
):
    agent = users["agent_td"]
    raw = kobo_csv_large(bad_line=350)
    run = _mapped(persons["person_td"].site, agent, raw, django_capture_on_commit_callbacks)
    work(queue, "check")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failure == ""
    assert [(e["line"], e["column"]) for e in run.errors] == [(350, "visite/date_visite")]
    assert [(p["line"], p["column"]) for p in run.report["problems"]] == [
        (350, "visite/date_visite")
    ]
    client.force_login(agent)
    page = client.get(f"/imports/{run.pk}/check/")
    assert "1 error: nothing will be imported" in page.text and "line 350" in page.text
    assert IMPORT_BUTTON not in page.text
    with pytest.raises(services.ImportRefused):
        services.import_queue(run=run, by=agent, decisions={ACHTA: "new"})
    assert client.post(f"/imports/{run.pk}/import/", {f"d:{ACHTA}": "new"}).status_code == 422
    assert _written() == (0, 0) and queue.results == []
    data = client.get(f"/api/v1/imports/{run.pk}", **matrix.api_headers(users, "agent_td")).json()
    assert data["status"] == "failed" and data["report"]["errors"] == 1
    assert data["error_list"][0]["line"] == 350


def test_a_crash_inside_the_import_writes_nothing_and_fails_the_import(
    client, users, persons, queue, django_capture_on_commit_callbacks, monkeypatch
):
    agent = users["agent_td"]
    run = _mapped(
        persons["person_td"].site, agent, kobo_csv_large(), django_capture_on_commit_callbacks
    )
    work(queue, "check")
    with django_capture_on_commit_callbacks(execute=True):
        services.import_queue(run=run, by=agent, decisions={ACHTA: "new"})
    target = TARGETS["visits"]
    write, written = target.write, []

    def write_then_crash(ctx, prepared):
        if len(written) == 200:
            raise RuntimeError("the disk is full")
        written.append(prepared)
        return write(ctx, prepared)

    monkeypatch.setattr(target, "write", write_then_crash)
    assert work(queue, "import") == [f"import {run.pk}: failed"]
    assert len(written) == 200 and _written() == (0, 0)  # 200 written, then all undone
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.failure == Failure.CRASHED
    assert run.content is not None  # kept: the dry run may be made again
    assert Event.objects.filter(verb="import.failed").count() == 1
    client.force_login(agent)
    for language, reason in (
        ("en", "The work stopped on an unexpected error: nothing was written."),
        ("fr", "Le travail s’est arrêté sur une erreur inattendue : rien n’a été enregistré."),
        ("pt", "O trabalho parou num erro inesperado: nada foi gravado."),
    ):
        monkeypatch.setattr(User, "preferred_language", lambda self, lang=language: lang)
        for url in (f"/imports/{run.pk}/check/", f"/imports/{run.pk}/"):
            page = client.get(url)
            assert page.status_code == 200 and reason in page.text, (language, url)
            assert IMPORT_BUTTON not in page.text


def test_a_crash_inside_the_dry_run_fails_it(
    users, persons, queue, django_capture_on_commit_callbacks, monkeypatch, small_is_large
):
    agent = users["agent_td"]
    run = _mapped(
        persons["person_td"].site, agent, kobo_csv(True), django_capture_on_commit_callbacks
    )
    monkeypatch.setattr(TARGETS["visits"], "prepare", lambda ctx, submission: 1 / 0)
    assert work(queue, "check") == [f"import {run.pk}: failed"]
    run.refresh_from_db()
    assert (run.status, run.failure, run.report) == (RunStatus.FAILED, Failure.CRASHED, {})
    with pytest.raises(services.ImportRefused):
        services.import_queue(run=run, by=agent, decisions={})
    assert _written() == (0, 0)


def test_a_new_mapping_drops_the_stored_report_and_checks_again(
    users, persons, queue, django_capture_on_commit_callbacks, small_is_large
):
    agent = users["agent_td"]
    run = _mapped(
        persons["person_td"].site, agent, kobo_csv(True), django_capture_on_commit_callbacks
    )
    work(queue, "check")
    run.refresh_from_db()
    assert services.report_is_current(run)
    mapping = {k: v for k, v in run.mapping.items() if k != "phone"}
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_map(run=run, mapping=mapping, options={}, by=agent)
    assert run.status == RunStatus.QUEUED and run.report == {}
    with pytest.raises(services.ImportRefused):
        services.import_queue(run=run, by=agent, decisions={ACHTA: "new"})
    # A dry run of the former mapping finishing late keeps nothing (the run moved on).
    with django_capture_on_commit_callbacks(execute=True):
        run = services.import_map(run=run, mapping=run.mapping, options={}, by=agent)
    assert [
        r.endswith("checked, 0 errors") or r.endswith("nothing to check")
        for r in work(queue, "check")
    ] == [
        True,
        True,
    ]
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.report["mapping"] == mapping
    assert _written() == (0, 0)


def test_a_dry_run_finishing_after_the_mapping_changed_keeps_nothing(
    users, persons, queue, django_capture_on_commit_callbacks, monkeypatch, small_is_large
):
    agent = users["agent_td"]
    run = _mapped(
        persons["person_td"].site, agent, kobo_csv(True), django_capture_on_commit_callbacks
    )
    read_export = services.read_export

    def remapped_meanwhile(claimed):
        # The user saves another mapping while the worker reads the file.
        ImportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.QUEUED, mapping={**run.mapping, "phone": ""}
        )
        return read_export(claimed)

    monkeypatch.setattr(services, "read_export", remapped_meanwhile)
    work(queue, "check")
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.report == {} and run.counts == {}


def test_the_worker_of_the_database_queue_runs_the_dry_run(
    transactional_db, users, persons, small_is_large
):
    """The queue of production: the request leaves a row, `db_worker` runs it."""
    agent = users["agent_td"]
    with override_settings(TASKS=DATABASE_QUEUE):
        from django_tasks_db.models import DBTaskResult

        run = services.import_upload(
            site=persons["person_td"].site,
            kind="visits",
            name="V.csv",
            raw=kobo_csv(True),
            by=agent,
        )
        run = services.import_map(run=run, mapping=run.mapping, options={}, by=agent)
        [waiting] = DBTaskResult.objects.filter(status="READY")
        assert waiting.args_kwargs["args"] == [str(run.pk), "check"]
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        run.refresh_from_db()
        assert run.status == RunStatus.CHECKED and run.report["counts"]["submissions"] == 7
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# Who sees and moves a large file
# =============================================================================================


@pytest.fixture
def checked(users, persons, queue, django_capture_on_commit_callbacks, small_is_large):
    agent = users["agent_td"]
    run = _mapped(
        persons["person_td"].site, agent, kobo_csv(True), django_capture_on_commit_callbacks
    )
    work(queue, "check")
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    "role, detail, check, execute",
    [
        ("agent_td", 200, 200, 302),
        ("manager_td", 200, 404, 404),  # the file waits for the agent who uploaded it
        ("agent_td2", 404, 404, 404),  # another site
        ("coordinator_td", 200, 403, 403),  # reads the log, imports nothing
        ("agent_mz", 404, 404, 404),  # another country
        ("coordinator_mz", 404, 403, 403),
        ("me_hq", 403, 403, 403),
        ("admin_user", 403, 403, 403),
        ("provider_user", 403, 403, 403),
    ],
)
def test_who_sees_and_moves_a_large_file(
    client, users, checked, queue, role, detail, check, execute, django_capture_on_commit_callbacks
):
    client.force_login(users[role])
    assert client.get(f"/imports/{checked.pk}/").status_code == detail
    assert client.get(f"/imports/{checked.pk}/check/").status_code == check
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{checked.pk}/import/", {f"d:{ACHTA}": "new"})
    assert response.status_code == execute
    api = client.get(f"/api/v1/imports/{checked.pk}", **matrix.api_headers(users, role))
    assert api.status_code == (detail if detail != 200 else 200)
    checked.refresh_from_db()
    moved = role == "agent_td"
    assert checked.status == (RunStatus.TO_IMPORT if moved else RunStatus.CHECKED)
    assert len(queue.results) == (1 if moved else 0)
    if detail == 200:
        assert api.json()["report"]["current"] is True


def test_the_names_of_a_stored_report_go_with_the_file(
    users, persons, checked, django_capture_on_commit_callbacks
):
    """A file left unfinished (dropped by `run_tasks` after a day) or at an erased person's
    site keeps only its report's counts."""
    from datetime import timedelta

    from django.utils import timezone

    assert "Achta Mahamat" in json.dumps(checked.report)
    assert services.import_runs_expire(now=timezone.now() + timedelta(days=2)) == 1
    checked.refresh_from_db()
    assert checked.status == RunStatus.EXPIRED and checked.content is None
    assert checked.report == {
        "summary": True,
        "counts": checked.counts,
        "errors": 0,
        "warnings": 0,
        "lookalikes": 1,
    }
    assert not services.report_is_current(checked)


def test_a_dry_run_outside_any_transaction_keeps_its_outcome(transactional_db, users, persons):
    """The pages run without a transaction around the request, as the worker does: the dry
    run's outcome is saved in a transaction of its own (PostgreSQL refuses to lock the row
    outside one)."""
    agent = users["agent_td"]
    run = services.import_upload(
        site=persons["person_td"].site, kind="visits", name="V.csv", raw=kobo_csv(), by=agent
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=agent)
    report = services.import_check(run=run, by=agent)
    assert [p.line for p in report.problems] == [7]
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.errors[0]["line"] == 7

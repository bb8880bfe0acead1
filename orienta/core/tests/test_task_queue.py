"""The task queue: work a request hands off is stored in the database and run by the worker
(`manage.py db_worker`), exactly once, with its result kept."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus, task
from django.test import override_settings

from orienta.core.models import Country

DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
        "OPTIONS": {"id_function": "uuid6.uuid7"},
    }
}


@task
def rename_country(code: str, name: str) -> str:
    country = Country.objects.get(code=code)
    country.name_fr = name
    country.save(update_fields=["name_fr"])
    return country.name_fr


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_waits_for_the_worker_and_runs_once(world):
    with override_settings(TASKS=DATABASE_QUEUE):
        result = rename_country.enqueue("TD", "Tchad (file d’attente)")
        assert result.status == TaskResultStatus.READY
        assert Country.objects.get(code="TD").name_fr != "Tchad (file d’attente)"  # not yet

        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "Tchad (file d’attente)"
        assert Country.objects.get(code="TD").name_fr == "Tchad (file d’attente)"

        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL  # nothing ran twice


def test_the_tests_run_tasks_at_once(world):
    result = rename_country.enqueue("MZ", "Moçambique")
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert Country.objects.get(code="MZ").name_fr == "Moçambique"

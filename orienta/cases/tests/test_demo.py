"""The demo's cases: made through the services, some sensitive, some closed, and a worklist
with something due for agent-td."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from orienta.cases.models import Case, CaseAction, Status
from orienta.cases.queries import worklist
from orienta.core.models import User

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO=True, PASSWORD_HASHERS=HASHERS),
        transaction.atomic(),
    ):
        started = time.monotonic()
        call_command("load_demo", stdout=StringIO())
        print(f"\nload_demo took {time.monotonic() - started:.1f} s")
        yield
        transaction.set_rollback(True)


def test_every_site_has_cases_some_sensitive_some_closed(loaded, db):
    for site_code in ("TD-NDJ1", "TD-MOU1", "MZ-MPM1"):
        cases = Case.objects.filter(site__code=site_code)
        assert cases.count() >= 5, site_code
        assert cases.filter(status=Status.CLOSED).exclude(closure_reason="").exists(), site_code
        assert cases.exclude(status=Status.CLOSED).exists(), site_code
        assert all(c.code.startswith(f"{site_code}-C-") for c in cases)
    assert Case.objects.filter(sensitive=True).exists()
    assert not Case.objects.filter(visit__isnull=True).exists()
    assert all(c.opened_at == c.visit.occurred_at for c in Case.objects.select_related("visit"))


def test_the_worklist_of_agent_td_has_work(loaded, db):
    agent = User.objects.get(username="agent-td")
    work = worklist(agent, agent.sites.all())
    counts = {s.key: s.count for s in work.sections}
    assert counts["due_today"] > 0 and counts["overdue"] > 0, counts
    assert counts["no_contact"] > 0, counts
    assert CaseAction.objects.filter(case__responsible=agent).exists()

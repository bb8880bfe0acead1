"""The demo directory loads with the rest of the demo, and is valid HSDS."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from orienta.directory import exchange
from orienta.directory.models import CostOption, Permanence, Service
from orienta.directory.tests.schemas import published

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO=True, PASSWORD_HASHERS=HASHERS),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_directory(loaded, db):
    services = Service.objects.all()
    assert services.count() >= 20
    assert {s.organisation.country.code for s in services} == {"TD", "MZ", "GW"}
    currencies = set(CostOption.objects.values_list("currency", flat=True))
    assert currencies == {"XAF", "MZN", "XOF"}
    for cost in CostOption.objects.select_related("service"):
        rate = {"XAF": 655.957, "XOF": 655.957, "MZN": 70}[cost.currency]
        assert 0.5 <= float(cost.amount) / rate <= 3.5, cost
        if cost.currency != "MZN":
            assert cost.amount == cost.amount.to_integral_value()
    assert any(s.is_stale() for s in services)
    assert sum(not s.is_stale() for s in services) > services.count() / 2
    sites = set(Permanence.objects.values_list("site__code", flat=True))
    assert sites == {"TD-NDJ1", "TD-MOU1", "MZ-MPM1", "MZ-BEI1", "GW-BIS1", "GW-GAB1"}
    tuesday = Permanence.objects.get(site__code="TD-NDJ1", weekday=1)
    assert tuesday.free and tuesday.service.themes.filter(code="civil_registration").exists()


def test_demo_export_is_valid(loaded, db):
    validator = published("compiled/service.json")
    for item in exchange.export_json(Service.objects.all()):
        validator.validate(item)

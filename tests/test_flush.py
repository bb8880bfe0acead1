"""The flush after a test that commits leaves every table empty, on either engine (on
PostgreSQL the suite deletes the rows rather than truncating the tables:
orienta/testing/flush.py)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from orienta.people.models import Person

REFILLED = {ContentType, Permission}  # put back by post_migrate after the flush, as by migrate


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_committing_test_empties_every_table(persons):
    assert Person.objects.count() == 3
    if connection.vendor == "postgresql":
        statements = connection.ops.sql_flush(no_style(), ["a", "b"])
        assert statements == ['DELETE FROM "a"; DELETE FROM "b";']
    # As pytest-django's transactional tests flush (TransactionTestCase._fixture_teardown).
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    held = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model not in REFILLED and model._meta.managed
    }
    assert {label: count for label, count in held.items() if count} == {}
    assert ContentType.objects.get_for_model(Person).model_class() is Person
    assert Permission.objects.filter(codename="view_person").exists()

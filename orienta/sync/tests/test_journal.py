"""The journal: a row in the same transaction as every change of a synced model."""

import pytest
from django.db import transaction

from orienta.frontdesk.services import visit_record
from orienta.people.models import Person
from orienta.people.services import person_update
from orienta.sync.models import Change


def journal(row):
    return list(Change.objects.filter(model=row._meta.label, record=str(row.pk)).order_by("seq"))


def test_a_registration_is_journaled_with_its_site_and_a_sequence_number(world, users, persons):
    person = persons["person_td"]
    (created,) = journal(person)
    assert created.op == "create"
    assert created.site_id == world["sites"]["td"].pk and not created.shared
    assert created.fields["given_name"] == "Achta"
    assert created.fields["birth_date"] == "1990-05-04"
    assert created.author == users["agent_td"].pk
    assert created.seq is not None and created.hlc > 0


def test_an_edit_journals_only_the_changed_fields(users, persons):
    person = persons["person_td"]
    person_update(
        person=person, data={"phone": "+23566999999"}, expected_version=1, by=users["agent_td"]
    )
    update = journal(person)[-1]
    assert update.op == "update"
    assert update.base_version == 1 and update.version == 2
    assert set(update.fields) - {"version", "updated_at", "updated_by_id"} == {"phone"}
    assert update.fields["phone"] == "+23566999999"


def test_reference_data_is_shared_and_sequence_numbers_grow(world):
    rows = Change.objects.filter(model="core.Site").order_by("seq")
    assert rows and all(r.shared and r.site_id is None for r in rows)
    seqs = list(Change.objects.order_by("id").values_list("seq", flat=True))
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_the_themes_of_a_visit_are_journaled(world, users, persons, clock):
    from django.utils import timezone

    visit = visit_record(
        site=world["sites"]["td"],
        by=users["agent_td"],
        person=persons["person_td"],
        data={
            "occurred_at": timezone.now(),
            "channel": "walk_in",
            "outcome": "informed",
            "themes": ["health", "education"],
        },
    )
    changes = journal(visit)
    assert changes[0].op == "create"
    assert changes[-1].fields == {"themes": ["education", "health"]}


def test_a_change_rolled_back_leaves_no_journal_row(world, users, persons):
    person = persons["person_td"]
    before = Change.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        person_update(
            person=person, data={"phone": "+23566000000"}, expected_version=1, by=users["agent_td"]
        )
        raise RuntimeError
    assert Change.objects.count() == before
    assert Person.objects.get(pk=person.pk).phone != "+23566000000"


def test_the_counters_of_codes_are_not_journaled(world, users, persons):
    site_changes = Change.objects.filter(model="core.Site", op="update")
    assert not any("person_seq" in c.fields for c in site_changes)


def test_the_node_task_waits_longer_after_each_failure(clock):
    from datetime import timedelta

    from django.utils import timezone

    from orienta.sync.models import NodeState
    from orienta.sync.tasks import next_attempt

    now = timezone.now()
    state = NodeState(failures=0, last_attempt_at=now)
    assert next_attempt(state) is None
    state.failures = 1
    assert next_attempt(state) == now + timedelta(minutes=15)
    state.failures = 3
    assert next_attempt(state) == now + timedelta(hours=1)
    state.failures = 12
    assert next_attempt(state) == now + timedelta(hours=4)


def test_a_merge_journals_the_cases_it_moves(world, users, persons):
    """A bulk update (the cases following the surviving record) is journaled too."""
    from orienta.cases.services import case_open
    from orienta.people.services import person_merge, person_register

    site, agent = world["sites"]["td"], users["agent_td"]
    twin = person_register(
        site=site,
        by=agent,
        data={
            "given_name": "Achta",
            "family_name": "Mahamat",
            "sex": "female",
            "migration_status": "national",
            "documents": [],
        },
    )
    case = case_open(person=twin, by=agent)
    survivor = persons["person_td"]
    person_merge(survivor=survivor, merged=twin, by=users["manager_td"])
    last = journal(case)[-1]
    assert last.fields["person_id"] == str(survivor.pk)
    assert last.version == case.version + 1


def test_a_file_field_travels_as_its_name():
    from orienta.fund.models import Payment
    from orienta.sync.wire import encode_value

    payment = Payment(receipt="fund/receipts/2026/03/r.jpg")
    assert encode_value(payment.receipt) == "fund/receipts/2026/03/r.jpg"
    assert encode_value(Payment().receipt) == ""

"""`manage.py verify_access_log`: whole, or the first broken entry named with the reason."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from orienta.audit.models import AccessLogEntry
from orienta.audit.services import access_log_record


@pytest.fixture
def log(users, persons):
    """Ten entries of a day at the front desk."""
    agent = users["agent_td"]
    for i in range(10):
        access_log_record(
            actor=agent,
            action="read" if i % 2 else "search",
            channel="page",
            person_id=persons["person_td"].pk if i % 2 else None,
            query="" if i % 2 else f"Mahamat {i}",
            results=None if i % 2 else i,
        )
    return list(AccessLogEntry.objects.order_by("seq"))


def _verify() -> str:
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    return out.getvalue()


def _raw(sql: str, params) -> None:
    """Change the table behind the model's back, as someone with database access could."""
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_a_whole_log_is_reported_intact(log):
    assert _verify().strip() == "Access log intact: 10 entries."


def test_an_empty_log_is_intact(db):
    assert _verify().strip() == "Access log intact: 0 entries."


def test_a_changed_entry_is_named_with_a_hash_mismatch(log):
    target = log[3]
    _raw("UPDATE {table} SET query = %s WHERE seq = %s", ["someone else", target.seq])

    with pytest.raises(CommandError) as failure:
        _verify()

    message = str(failure.value)
    assert f"seq {target.seq} " in message and str(target.pk) in message
    assert "hash mismatch" in message
    assert "3 entries before it are intact" in message


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_one(log):
    target = log[4]
    target.username = "nobody"
    forged = target.compute_hash()
    _raw(
        "UPDATE {table} SET username = %s, hash = %s WHERE seq = %s",
        ["nobody", forged, target.seq],
    )

    with pytest.raises(CommandError) as failure:
        _verify()

    message = str(failure.value)
    assert f"seq {log[5].seq} " in message and str(log[5].pk) in message
    assert "prev_hash mismatch" in message


def test_a_removed_entry_is_named_as_a_gap(log):
    _raw("DELETE FROM {table} WHERE seq = %s", [log[6].seq])

    with pytest.raises(CommandError) as failure:
        _verify()

    message = str(failure.value)
    assert f"seq {log[7].seq} " in message and str(log[7].pk) in message
    assert f"gap in seq: entry {log[6].seq} is missing" in message


def test_the_command_fails_with_a_non_zero_exit_status(log):
    _raw("UPDATE {table} SET results = %s WHERE seq = %s", [99, log[0].seq])
    with pytest.raises(CommandError) as failure:
        _verify()
    assert failure.value.returncode != 0
    assert "seq 1 " in str(failure.value)

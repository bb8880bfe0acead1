"""Search texts in the access log: hashed through a keyed digest, so an erasure can clear them
and the chain still verifies, while a text changed into another is detected."""

import pytest
from django.db import connection

from orienta.audit.models import AccessLogEntry, query_digest
from orienta.audit.queries import access_log_verify
from orienta.audit.services import access_log_record, access_log_scrub


def _raw(sql: str, params) -> None:
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


@pytest.fixture
def searches(users):
    agent = users["agent_td"]
    for text in ("Achta Mahamat", "Moussa", "", "+23566123456 Achta"):
        access_log_record(actor=agent, action="search", channel="page", query=text, results=1)
    return list(AccessLogEntry.objects.order_by("seq"))


def test_the_digest_is_keyed_and_stands_for_the_text_in_the_chain(searches, settings):
    first = searches[0]
    assert first.query_digest == query_digest("Achta Mahamat") and len(first.query_digest) == 64
    assert searches[2].query_digest == ""  # no text, no digest
    assert "Achta" not in first.canonical().decode()
    settings.SECRET_KEY = "another-key"
    assert query_digest("Achta Mahamat") != first.query_digest


def test_clearing_a_text_keeps_the_chain_whole(searches):
    assert access_log_scrub({"Achta"}) == 2
    texts = list(AccessLogEntry.objects.order_by("seq").values_list("query", flat=True))
    assert texts == ["", "Moussa", "", ""]
    assert access_log_verify().intact


def test_a_whole_word_only_is_cleared(searches):
    assert access_log_scrub({"Mous"}) == 0
    assert access_log_scrub({"moussa"}) == 1  # any case


def test_a_text_changed_into_another_breaks_the_chain(searches):
    target = searches[1]
    _raw("UPDATE {table} SET query = %s WHERE seq = %s", ["Someone else", target.seq])
    check = access_log_verify()
    assert (check.broken_seq, check.entries) == (target.seq, 1)
    assert check.reason.startswith("query mismatch")


def test_a_cleared_digest_breaks_the_chain(searches):
    target = searches[0]
    _raw("UPDATE {table} SET query_digest = %s WHERE seq = %s", ["", target.seq])
    check = access_log_verify()
    assert check.broken_seq == target.seq and check.reason.startswith("hash mismatch")


def test_a_text_verifies_after_the_key_is_rotated_into_the_fallbacks(searches, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key", [old]
    assert access_log_verify().intact
    settings.SECRET_KEY_FALLBACKS = []
    assert access_log_verify().reason.startswith("query mismatch")


def test_entries_written_before_the_digest_are_hashed_over_their_text(searches):
    """A log written before the digest existed (query_digest empty) still verifies."""
    for entry in searches:
        legacy = AccessLogEntry.objects.get(pk=entry.pk)
        legacy.query_digest = ""
        _raw(
            "UPDATE {table} SET query_digest = '', hash = %s, prev_hash = %s WHERE seq = %s",
            [legacy.compute_hash(), legacy.prev_hash, entry.seq],
        )
    # Recompute the chain as the old code wrote it.
    prev = "0" * 64
    for entry in AccessLogEntry.objects.order_by("seq"):
        entry.prev_hash = prev
        _raw(
            "UPDATE {table} SET hash = %s, prev_hash = %s WHERE seq = %s",
            [entry.compute_hash(), prev, entry.seq],
        )
        prev = entry.compute_hash()
    assert access_log_verify().intact
    assert access_log_scrub({"Achta"}) == 0  # their texts are in the hash: never cleared

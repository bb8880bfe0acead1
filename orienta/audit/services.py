"""Writing the access log. `access_log_record` is the only writer; the helpers below it say the
same thing in fewer words for the common cases (a person read, a search, a refusal)."""

import ipaddress
import re
from collections.abc import Iterable
from functools import cache
from typing import Any, Protocol, cast
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from orienta.audit.models import GENESIS, AccessLogEntry, Action, Channel, query_digest
from orienta.core.models import User
from orienta.lib.errors import OutOfScope

# Each try loses only to another writer that took the same place in the chain.
MAX_TRIES = 100
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# What a user types to find a person, in the order it reads best in the log.


class PersonRecord(Protocol):
    """A person (the registry's, above this app): an id and a site."""

    @property
    def pk(self) -> Any: ...

    @property
    def site_id(self) -> UUID: ...


IDENTITY_KEYS = ("given_name", "family_name", "other_names", "birth_date", "phone")


def access_log_record(
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    action: str,
    channel: str,
    object_type: str = "",
    object_id: object = None,
    person_id: object = None,
    site_id: object = None,
    query: str = "",
    results: int | None = None,
    status: int | None = None,
    username: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log, chained to the one before it.

    The actor is the request's signed-in user unless given (a failed sign-in has none: only the
    `username` typed).

    One SELECT (the last entry) and one INSERT. The chain stays one line however many
    processes write, because `seq` is unique and the INSERT yields when its place is taken:
    on SQLite writers are serialised anyway (transactions begin IMMEDIATE, taking the write
    lock); on PostgreSQL a writer that lost the race to another reads the new last entry and
    tries the next place. (Locking the last row with SELECT ... FOR UPDATE would not be
    enough there: a writer that waited on it reads that same row once it is released, not
    the row written meanwhile.)
    """
    if actor is None and action != Action.LOGIN_FAILED:
        actor = _request_user(request)
    path, meta = (request.path, request.META) if request is not None else ("", {})
    query = _text(query, 500)
    entry = AccessLogEntry(
        actor=actor,
        username=_text(actor.get_username() if actor else username, 150),
        role=getattr(actor, "role", "") or "",
        action=action,
        channel=channel,
        object_type=object_type,
        object_id=_uuid(object_id),
        person=_uuid(person_id),
        site_id=_uuid(site_id),
        path=_text(path, 300),
        query=query,
        query_digest=query_digest(query),
        results=results,
        status=status,
        ip=client_ip(request),
        user_agent=_text(meta.get("HTTP_USER_AGENT", ""), 200),
    )
    with transaction.atomic(savepoint=False):
        for _try in range(MAX_TRIES):
            last = _last_link()
            entry.seq, entry.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
            entry.at = timezone.now()
            entry.hash = entry.compute_hash()
            if _insert_unless_taken(entry):
                return entry
    raise RuntimeError("the access log is too busy: no free place in the chain")


@cache
def _statements(vendor: str) -> tuple[str, str]:
    """The SQL of the two statements every entry runs, for this database (built once: every
    page that shows personal data writes an entry). The SELECT is what
    `order_by("-seq").values_list("seq", "hash").first()` would send."""
    meta, quote = AccessLogEntry._meta, connection.ops.quote_name
    table, seq = quote(meta.db_table), quote(cast(str, meta.get_field("seq").column))
    columns = ", ".join(quote(cast(str, f.column)) for f in meta.concrete_fields)  # a column
    last = f"SELECT {seq}, {quote(cast(str, meta.get_field('hash').column))} FROM {table} "
    last += f"ORDER BY {seq} DESC LIMIT 1"
    insert = (
        f"INSERT INTO {table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(meta.concrete_fields))}) "
        f"ON CONFLICT ({seq}) DO NOTHING"
    )
    return last, insert


def _last_link() -> tuple[int, str] | None:
    """The last entry's `seq` and `hash` (None for an empty log)."""
    with connection.cursor() as cursor:
        cursor.execute(_statements(connection.vendor)[0])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _insert_unless_taken(entry: AccessLogEntry) -> bool:
    """INSERT ... ON CONFLICT (seq) DO NOTHING: False, and nothing written, if another writer
    holds this `seq`. (A failed plain INSERT would abort the whole transaction on PostgreSQL.)"""
    fields = AccessLogEntry._meta.concrete_fields
    values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
    sql = _statements(connection.vendor)[1]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        inserted: bool = cursor.rowcount == 1
    if inserted:
        entry._state.adding, entry._state.db = False, connection.alias
    return inserted


def access_log_read(
    request: HttpRequest | None,
    person: PersonRecord,
    *,
    object_type: str = "person",
    object_id: object = None,
) -> AccessLogEntry:
    """A page or API answer showed this person's data: their record, or (with `object_type`)
    another object about them, such as their household."""
    return access_log_record(
        request=request,
        action=Action.READ,
        channel=channel_of(request),
        object_type=object_type,
        object_id=person.pk if object_type == "person" else object_id,
        person_id=person.pk,
        site_id=person.site_id,
    )


def access_log_export(
    request: HttpRequest | None, person: PersonRecord, *, reason: str = ""
) -> AccessLogEntry:
    """A copy of the person's data left the system (a file), for the reason given."""
    return access_log_record(
        request=request,
        action=Action.EXPORT,
        channel=Channel.EXPORT,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        site_id=person.site_id,
        query=reason,
    )


def access_log_search(
    request: HttpRequest | None,
    *,
    query: str | dict[str, Any],
    results: int,
    object_type: str = "person",
    person_id: UUID | None = None,
) -> AccessLogEntry:
    """A search or list of persons (or of visits, with `object_type`): the text or filters
    given, and how many records answered — not which."""
    return access_log_record(
        request=request,
        action=Action.SEARCH,
        channel=channel_of(request),
        object_type=object_type,
        person_id=person_id,
        query=query if isinstance(query, str) else search_text(query),
        results=results,
    )


def access_log_refused(
    request: HttpRequest, *, status: int, refusal: OutOfScope | None = None
) -> AccessLogEntry:
    """The request was refused (403, or 404 out of scope or on personal data). The record an
    access helper refused (`refusal`) is named; else the person the address names, if any, so
    the refusal shows in that person's log."""
    if refusal is not None:
        object_type, object_id, person_id = (
            refusal.object_type,
            refusal.object_id,
            refusal.person_id,
        )
    else:
        person_id = _target_person(request)
        object_type, object_id = ("person" if person_id else ""), person_id
    return access_log_record(
        request=request,
        action=Action.REFUSED,
        channel=channel_of(request),
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        query=request.META.get("QUERY_STRING", ""),
        status=status,
    )


def access_log_scrub(strings: Iterable[str]) -> int:
    """Clear the query texts (searches, refused addresses, reasons) that contain one of
    `strings` as a whole word, any case; returns how many entries were cleared.

    The one change the log allows, for an erasure: the chain covers each text's keyed digest,
    which stays, so the log still verifies; the text is gone.
    """
    needles = sorted({s for s in strings if s and len(s) >= 2}, key=len, reverse=True)
    if not needles:
        return 0
    pattern = re.compile(
        rf"(?<!\w)(?:{'|'.join(re.escape(n) for n in needles)})(?!\w)", re.IGNORECASE
    )
    candidates = Q()
    for needle in needles:
        candidates |= Q(query__icontains=needle)
    rows = AccessLogEntry.objects.filter(candidates).exclude(query_digest="")
    ids = [pk for pk, text in rows.values_list("pk", "query") if pattern.search(text)]
    # The log's own queryset refuses every update; this one is the sanctioned exception.
    return QuerySet.update(AccessLogEntry.objects.filter(pk__in=ids), query="")


def channel_of(request: HttpRequest | None) -> str:
    if request is not None and request.path.startswith("/api/"):
        return Channel.API
    return Channel.PAGE


def search_text(data: dict[str, Any]) -> str:
    """What was typed to find a person (names, date of birth, phone), as one line."""
    return " ".join(str(data[key]) for key in IDENTITY_KEYS if data.get(key))


def client_ip(request: HttpRequest | None) -> str:
    """REMOTE_ADDR; behind trusted proxies (setting ACCESS_LOG_PROXY_COUNT = how many), the
    address the nearest of them saw in X-Forwarded-For. Anything else a client sends is not
    trusted."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "ACCESS_LOG_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _request_user(request: HttpRequest | None) -> User | None:
    if request is None:
        return None
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    found: User | None = user if user is not None and user.is_authenticated else None
    return found


def _target_person(request: HttpRequest) -> UUID | None:
    found = UUID_RE.search(request.path) or UUID_RE.fullmatch(request.GET.get("person", ""))
    return UUID(found.group(0)) if found else None


def _uuid(value: object) -> UUID | None:
    if isinstance(value, UUID):
        return value
    if value is None or value == "":
        return None
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _text(value: object, limit: int) -> str:
    return str(value or "").replace("\x00", "")[:limit]

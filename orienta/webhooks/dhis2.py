"""DHIS2: the instance a country's results go to, and the pushes of its data value sets.

The figures are those of the results engine, as DHIS2 data value sets
(`orienta.reporting.dhis2.data_value_set`: mapped by configuration, small counts suppressed).
A push is asked from the page, sent by the task queue (`tasks.dhis2_push`) to
`<DHIS2>/api/dataValueSets` (create and update), and DHIS2's import summary is stored: imported,
updated, ignored, deleted, and its conflicts as DHIS2 words them. DHIS2 answers in two shapes
(the summary at the top before 2.38, under "response" since); both are read. The password or
personal access token is stored sealed (`sealing`), and the address is guarded like a
webhook's (`outbound`).
"""

import base64
import json
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from orienta.core.access import coordinates_country, is_administrator, pushes_dhis2
from orienta.core.models import Country, User
from orienta.core.services import event_log
from orienta.lib.errors import Refused
from orienta.lib.indicators import Period
from orienta.reporting.dhis2 import data_value_set
from orienta.webhooks import outbound, tasks
from orienta.webhooks.models import Dhis2Auth, Dhis2Connection, Dhis2Push, PushStatus
from orienta.webhooks.sealing import SecretUnreadable, seal, unseal

MAX_CONFLICTS = 100
TIMEOUT_SECONDS = 120


class Dhis2Refused(Refused):
    """The connection or the push cannot be saved so; the message says why."""


def _check_configurer(by: User, country: Country) -> None:
    if not (is_administrator(by) or coordinates_country(by, country.pk)):
        raise PermissionDenied


def _check_pusher(by: User, country: Country) -> None:
    if not pushes_dhis2(by):
        raise PermissionDenied
    if coordinates_country(by) and by.country_id != country.pk:
        raise PermissionDenied


def connection_save(
    *, country: Country, by: User, url: str, auth: str, username: str = "", secret: str = ""
) -> Dhis2Connection:
    """Set the country's DHIS2 instance; an empty `secret` keeps the one stored."""
    _check_configurer(by, country)
    if auth not in Dhis2Auth.values:
        raise Dhis2Refused(_("Choose how Orienta signs in to DHIS2."))
    username = username.strip()
    if auth == Dhis2Auth.BASIC and not username:
        raise Dhis2Refused(_("Give the DHIS2 username."))
    clean_url = outbound.check_url(url).rstrip("/")
    with transaction.atomic():
        found = Dhis2Connection.objects.select_for_update().filter(country=country).first()
        if found is None and not secret:
            raise Dhis2Refused(_("Give the password or the personal access token."))
        connection = found or Dhis2Connection(country=country, created_by=by)
        connection.url, connection.auth = clean_url, auth
        connection.username = username if auth == Dhis2Auth.BASIC else ""
        if secret:
            connection.secret_sealed = seal(secret)
        if found is not None:
            connection.touch(by=by)
        else:
            connection.updated_by = by
        connection.save()
        event_log(actor=by, verb="dhis2_connection_save", obj=connection)
    return connection


def push_request(*, country: Country, period: Period, by: User) -> Dhis2Push:
    """Ask for a push of the country's figures of the period; the queue sends it."""
    _check_pusher(by, country)
    if not Dhis2Connection.objects.filter(country=country, deleted_at__isnull=True).exists():
        raise Dhis2Refused(_("No DHIS2 instance is set for this country."))
    with transaction.atomic():
        push = Dhis2Push.objects.create(country=country, period=period.code, requested_by=by)
        event_log(actor=by, verb="dhis2_push_request", obj=push, data={"period": period.code})
        transaction.on_commit(lambda: tasks.dhis2_push.enqueue(str(push.pk)))
    return push


def _authorization(connection: Dhis2Connection) -> str:
    secret = unseal(connection.secret_sealed)
    if connection.auth == Dhis2Auth.TOKEN:
        return f"ApiToken {secret}"
    pair = f"{connection.username}:{secret}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def push_run(*, push_id: UUID) -> str:
    """Send the push if it is still queued (a push is sent once), and store DHIS2's answer."""
    now = timezone.now()
    claimed = Dhis2Push.objects.filter(pk=push_id, status=PushStatus.QUEUED).update(
        status=PushStatus.RUNNING, started_at=now
    )
    if not claimed:
        return "not queued"
    push = Dhis2Push.objects.select_related("country").get(pk=push_id)
    fields = _send(push)
    fields.setdefault("status", PushStatus.DONE)
    Dhis2Push.objects.filter(pk=push_id).update(finished_at=timezone.now(), **fields)
    return str(fields["status"])


def _send(push: Dhis2Push) -> dict[str, Any]:
    connection = Dhis2Connection.objects.filter(
        country=push.country, deleted_at__isnull=True
    ).first()
    if connection is None:
        return _failure(gettext_noop("No DHIS2 instance is set for this country."))
    result = data_value_set(Period.parse(push.period), push.country)
    fields: dict[str, Any] = {
        "url": connection.url,
        "values_sent": len(result.data_values),
        "unmapped": result.unmapped[:200],
        "suppressed": len(result.suppressed),
    }
    try:
        authorization = _authorization(connection)
    except SecretUnreadable:
        return fields | _failure(
            gettext_noop("The DHIS2 password or token cannot be read: enter it again.")
        )
    body = json.dumps(result.body(), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Authorization": authorization,
        "User-Agent": "Orienta-DHIS2/1",
    }
    url = f"{connection.url}/api/dataValueSets?importStrategy=CREATE_AND_UPDATE"
    try:
        answer = outbound.post(url, body, headers, timeout=TIMEOUT_SECONDS)
    except (outbound.AddressRefused, outbound.CallFailed) as exc:
        return fields | _failure(exc.msgid, **exc.params)
    return fields | {"response_code": answer.status} | _read_answer(answer)


def _failure(msgid: str, **params: object) -> dict[str, Any]:
    """A failed push: the sentence kept untranslated, shown in the reader's language."""
    return {"status": PushStatus.FAILED, "error": msgid[:500], "error_params": params}


def _read_answer(answer: outbound.Answer) -> dict[str, Any]:
    if answer.status in (401, 403):
        return _failure(
            gettext_noop("DHIS2 refused the username and password or the token (%(status)s)."),
            status=answer.status,
        )
    try:
        data = json.loads(answer.body)
    except ValueError:
        data = None
    summary = _summary_of(data)
    if summary is None:
        return _failure(
            gettext_noop(
                "DHIS2 answered %(status)s without an import summary: is the address right?"
            ),
            status=answer.status,
        )
    return summary


def _summary_of(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    response = data.get("response")
    inner: dict[str, Any] = response if isinstance(response, dict) else data
    counts = inner.get("importCount")
    if not isinstance(counts, dict):
        return None
    conflicts = [
        {"object": str(c.get("object", ""))[:100], "value": str(c.get("value", ""))[:300]}
        for c in (inner.get("conflicts") or [])[:MAX_CONFLICTS]
        if isinstance(c, dict)
    ]
    import_status = str(inner.get("status", ""))[:20]
    fields: dict[str, Any] = {
        "import_status": import_status,
        "imported": _count(counts, "imported"),
        "updated": _count(counts, "updated"),
        "ignored": _count(counts, "ignored"),
        "deleted": _count(counts, "deleted"),
        "conflicts": conflicts,
    }
    if import_status == "ERROR":
        message = str(inner.get("description") or data.get("message") or "")[:300]
        fields |= _failure(gettext_noop("DHIS2 refused the import: %(message)s"), message=message)
    return fields


def _count(counts: dict[str, Any], key: str) -> int:
    try:
        return max(int(counts.get(key) or 0), 0)
    except (TypeError, ValueError):
        return 0

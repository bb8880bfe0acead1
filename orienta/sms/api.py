"""The gateway's callbacks, mounted under /api/v1/ by orienta.api.v1: incoming messages
(`POST /sms/inbound`) and delivery reports (`POST /sms/status`).

They carry no user's token. The generic gateway proves itself with the shared secret
`SMS_INBOUND_SECRET`, in the header `X-Orienta-Sms-Secret` or, for gateways that can only be
given a URL, in the query (`?secret=`); it is compared in constant time, and a missing or wrong
secret is answered 401. With the Twilio backend, each callback must carry Twilio's signature
(`X-Twilio-Signature`: HMAC-SHA1 of the URL and the posted parameters, keyed by the account's
auth token), checked against the public URL Orienta is reached at (`ORIENTA_PUBLIC_URL`); a
missing or wrong signature — a forged, tampered or replayed-elsewhere callback — is answered
403. Either refusal is logged (the server's log and the access log) and changes nothing. The
body is JSON or a form, in the shape of the configured gateway (`gateways`).
"""

import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router

from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record, client_ip
from orienta.lib.api.errors import Detail
from orienta.sms.gateways import BaseBackend, TwilioBackend, get_backend
from orienta.sms.inbound import sms_receive
from orienta.sms.schemas import ReceivedOut, StatusOut
from orienta.sms.services import sms_status_update

logger = logging.getLogger(__name__)
router = Router(tags=["sms"])
GATEWAY = "sms gateway"


def _called_url(request: HttpRequest) -> str:
    """The URL the gateway called, as it knows it (behind a proxy, the public origin)."""
    base = settings.ORIENTA_PUBLIC_URL
    return base + request.get_full_path() if base else request.build_absolute_uri()


def _refusal(request: HttpRequest, backend: BaseBackend) -> tuple[int, dict[str, str]] | None:
    """None when the callback is the gateway's own; else the answer that refuses it."""
    if isinstance(backend, TwilioBackend):
        is_json = request.content_type == "application/json"
        if backend.verify(
            url=_called_url(request),
            params={} if is_json else request.POST.dict(),
            body=request.body if is_json else b"",
            given=request.headers.get("X-Twilio-Signature", ""),
        ):
            return None
        refusal = 403, {"detail": gettext("The gateway's signature is missing or wrong.")}
    else:
        expected = settings.SMS_INBOUND_SECRET
        given = request.headers.get("X-Orienta-Sms-Secret") or request.GET.get("secret") or ""
        if expected and hmac.compare_digest(given.encode(), expected.encode()):
            return None
        refusal = 401, {"detail": gettext("The gateway's secret is missing or wrong.")}
    logger.warning(
        "SMS gateway callback refused (%s): bad credentials, from %s",
        backend.name,
        client_ip(request),
    )
    access_log_record(
        request=request,
        action=Action.REFUSED,
        channel=Channel.API,
        object_type=GATEWAY,
        status=refusal[0],
        username=GATEWAY,
    )
    return refusal


def _payload(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


@router.post(
    "/sms/inbound",
    auth=None,
    response={200: ReceivedOut, 401: Detail, 403: Detail, 422: Detail},
    summary="An SMS received by the gateway",
)
def inbound(request: HttpRequest) -> tuple[int, Any]:
    """A message a provider or a beneficiary sent: a referral's confirmation (`<code> SERVI`,
    `<code> RECU`...), STOP, or anything else (answered by SMS). JSON `{"from", "text", "id"}`
    for the HTTP gateway, Twilio's signed form (`From`, `Body`, `MessageSid`) for Twilio."""
    backend = get_backend()
    refusal = _refusal(request, backend)
    if refusal is not None:
        return refusal
    message = backend.parse_inbound(_payload(request))
    if not message.sender:
        return 422, {"detail": gettext("The sender's number is missing.")}
    outcome = sms_receive(inbound=message, backend=backend.name)
    return 200, {"received": True, "action": outcome.action if outcome else "duplicate"}


@router.post(
    "/sms/status",
    auth=None,
    response={200: StatusOut, 401: Detail, 403: Detail},
    summary="A delivery report of the gateway",
)
def status(request: HttpRequest) -> tuple[int, Any]:
    """The delivery of a message Orienta sent: JSON `{"id", "status", "cost", "currency",
    "error"}` for the HTTP gateway, Twilio's status callback (`MessageSid`, `MessageStatus`)."""
    backend = get_backend()
    refusal = _refusal(request, backend)
    if refusal is not None:
        return refusal
    report = backend.parse_status(_payload(request))
    message = sms_status_update(backend=backend.name, report=report)
    return 200, {"updated": message is not None}

"""SMS gateways, chosen by a setting as Django chooses its email backend.

`SMS_BACKEND` names a class of this module (or any importable one with the same methods):

- `orienta.sms.gateways.ConsoleBackend` (development, `make run`): prints each message on the
  server's console and counts it delivered; nothing leaves the machine.
- `orienta.sms.gateways.HttpBackend`: a generic HTTP gateway (a national aggregator, an Android
  phone running a gateway app, RapidPro...): a JSON POST to `SMS_HTTP_URL` with an optional
  authorisation header; its delivery reports and incoming messages come back as JSON or form
  posts to Orienta's callback URLs (docs/deploy.md).
- `orienta.sms.gateways.TwilioBackend`: Twilio's Programmable Messaging API. Chosen as the one
  real provider because one account sends to the three countries of the programme (Chad,
  Mozambique, Guinea-Bissau are all in its international SMS coverage, enabled per country in
  its "geo permissions"), it reports each message's delivery to a callback URL and its price
  per message, and its API is documented and stable (2010-04-01). Incoming messages need a
  number that can receive SMS from these networks; where none is available the providers'
  replies come through a local gateway with the HTTP backend (docs/deploy.md).

A backend's `send` returns a `SendResult` or raises `GatewayError`, `temporary` when a new
attempt may succeed (the network, a 5xx, a 429); `parse_inbound` and `parse_status` read the
gateway's callbacks.
"""

import base64
import hashlib
import hmac
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TIMEOUT = 15


@dataclass(frozen=True)
class SendResult:
    external_id: str
    # "sent" (accepted by the gateway) or "delivered" (the console's).
    status: str = "sent"
    cost: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class Inbound:
    sender: str
    text: str
    external_id: str = ""


@dataclass(frozen=True)
class StatusReport:
    external_id: str
    # "sent", "delivered", "undelivered" or "failed".
    status: str
    error: str = ""
    cost: Decimal | None = None
    currency: str = ""


class GatewayError(Exception):
    """The gateway did not take the message; `temporary`: a later attempt may succeed."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


def _amount(value: Any) -> Decimal | None:
    """A price as a positive Decimal (Twilio writes it negative, a debit), None if absent."""
    if value in (None, ""):
        return None
    try:
        return abs(Decimal(str(value)))
    except InvalidOperation:
        return None


def _first(data: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


class BaseBackend:
    name = "base"

    def send(self, *, to: str, body: str, reference: str, callback_url: str) -> SendResult:
        raise NotImplementedError

    def parse_inbound(self, data: Mapping[str, Any]) -> Inbound:
        return Inbound(
            sender=_first(data, "from", "sender", "phone"),
            text=_first(data, "text", "message", "body"),
            external_id=_first(data, "id", "message_id"),
        )

    def parse_status(self, data: Mapping[str, Any]) -> StatusReport:
        return StatusReport(
            external_id=_first(data, "id", "message_id", "reference"),
            status=_first(data, "status").lower(),
            error=_first(data, "error", "reason")[:300],
            cost=_amount(data.get("cost")),
            currency=_first(data, "currency")[:3].upper(),
        )


class ConsoleBackend(BaseBackend):
    """Prints the messages (development); every message counts as delivered, at no cost."""

    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str, reference: str, callback_url: str) -> SendResult:
        self.stream.write(f"SMS to {to} [{reference}]\n{body}\n{'-' * 40}\n")
        self.stream.flush()
        return SendResult(external_id=f"console-{reference}", status="delivered")


def _post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST and return (status, body); network errors are temporary GatewayErrors."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, response.read(100_000)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(100_000)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise GatewayError(f"network: {exc}", temporary=True) from exc


def _check_status(status: int, body: bytes) -> None:
    if 200 <= status < 300:
        return
    text = body.decode("utf-8", "replace")[:200]
    temporary = status >= 500 or status in (408, 429)
    raise GatewayError(f"HTTP {status}: {text}", temporary=temporary)


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class HttpBackend(BaseBackend):
    """A generic gateway: POST `SMS_HTTP_URL` with a JSON body
    `{"to": "+235…", "text": "…", "reference": "<Orienta's id>", "callback_url": "…"}` and the
    header `SMS_HTTP_AUTH_HEADER: SMS_HTTP_AUTH_VALUE` when set. A 2xx answer may give
    `{"id": "<gateway's id>", "cost": "0.05", "currency": "USD"}`."""

    name = "http"

    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.auth_header = settings.SMS_HTTP_AUTH_HEADER
        self.auth_value = settings.SMS_HTTP_AUTH_VALUE

    def send(self, *, to: str, body: str, reference: str, callback_url: str) -> SendResult:
        if not self.url:
            raise GatewayError("SMS_HTTP_URL is not set", temporary=False)
        payload = {"to": to, "text": body, "reference": reference, "callback_url": callback_url}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.auth_value:
            headers[self.auth_header] = self.auth_value
        status, answer = _post(self.url, json.dumps(payload).encode(), headers)
        _check_status(status, answer)
        data = _json(answer)
        return SendResult(
            external_id=_first(data, "id", "message_id") or reference,
            cost=_amount(data.get("cost")),
            currency=_first(data, "currency")[:3].upper(),
        )


# Twilio's message statuses, as Orienta's.
TWILIO_STATUSES = {
    "accepted": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
}


class TwilioBackend(BaseBackend):
    """Twilio's Messages resource: POST
    `https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP basic
    authentication with the account's SID and auth token, a form body with `To`, `From` (or
    `MessagingServiceSid`), `Body` and `StatusCallback`. Its status callbacks post
    `MessageSid`, `MessageStatus` and `ErrorCode`; incoming messages post `From`, `Body` and
    `MessageSid`."""

    name = "twilio"
    API = "https://api.twilio.com/2010-04-01"

    def __init__(self) -> None:
        self.account = settings.SMS_TWILIO_ACCOUNT_SID
        self.token = settings.SMS_TWILIO_AUTH_TOKEN
        self.sender = settings.SMS_TWILIO_FROM
        self.base = settings.SMS_TWILIO_API_URL or self.API

    def send(self, *, to: str, body: str, reference: str, callback_url: str) -> SendResult:
        if not (self.account and self.token and self.sender):
            raise GatewayError("the Twilio account is not configured", temporary=False)
        form = {"To": to, "Body": body}
        form["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        if callback_url:
            form["StatusCallback"] = callback_url
        credentials = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        headers = {
            "Authorization": f"Basic {credentials}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        url = f"{self.base}/Accounts/{urllib.parse.quote(self.account)}/Messages.json"
        status, answer = _post(url, urllib.parse.urlencode(form).encode(), headers)
        _check_status(status, answer)
        data = _json(answer)
        if not data.get("sid"):
            raise GatewayError("Twilio answered without a message id", temporary=True)
        return SendResult(
            external_id=str(data["sid"]),
            status=TWILIO_STATUSES.get(str(data.get("status")), "sent"),
            cost=_amount(data.get("price")),
            currency=str(data.get("price_unit") or "")[:3].upper(),
        )

    @staticmethod
    def signature(token: str, url: str, params: Mapping[str, str]) -> str:
        """Twilio's request signature: HMAC-SHA1, keyed by the auth token, of the URL it
        called (with its query) followed by each posted parameter's name and value, sorted by
        name; base64."""
        data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
        digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def verify(self, *, url: str, params: Mapping[str, str], body: bytes, given: str) -> bool:
        """Whether `given` (the header X-Twilio-Signature) is Twilio's signature of this
        callback. A form is signed with its parameters; a JSON body is signed through the URL's
        `bodySHA256`, which must then be the body's SHA-256."""
        if not (self.token and given):
            return False
        if not params and body:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
            digest = (query.get("bodySHA256") or [""])[0]
            if not hmac.compare_digest(digest, hashlib.sha256(body).hexdigest()):
                return False
        expected = self.signature(self.token, url, params)
        return hmac.compare_digest(expected.encode(), given.encode())

    def parse_inbound(self, data: Mapping[str, Any]) -> Inbound:
        return Inbound(
            sender=_first(data, "From"),
            text=_first(data, "Body"),
            external_id=_first(data, "MessageSid", "SmsSid"),
        )

    def parse_status(self, data: Mapping[str, Any]) -> StatusReport:
        raw = _first(data, "MessageStatus", "SmsStatus").lower()
        return StatusReport(
            external_id=_first(data, "MessageSid", "SmsSid"),
            status=TWILIO_STATUSES.get(raw, ""),
            error=_first(data, "ErrorCode", "ErrorMessage")[:300],
            cost=_amount(data.get("Price")),
            currency=_first(data, "PriceUnit")[:3].upper(),
        )


def get_backend() -> BaseBackend:
    """The gateway `SMS_BACKEND` names."""
    backend: BaseBackend = import_string(settings.SMS_BACKEND)()
    return backend

"""Requests Orienta sends to addresses its users typed (webhooks, DHIS2), guarded against
server-side request forgery.

Only http and https; no user name or password in the address; the host is resolved and every
address it resolves to must be public — no loopback, private network (10/8, 172.16/12,
192.168/16, fc00::/7), link-local (169.254/16: the cloud's metadata service), multicast or
reserved address. The connection then goes to the very address that was checked (a DNS answer
that changes between the check and the connection cannot move it inside), and redirects are
not followed. `ORIENTA_OUTBOUND_ALLOW_LOOPBACK` lets the tests' fake servers on 127.0.0.1 in;
it is never set in production.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from orienta.lib.errors import Refused

MAX_ANSWER_BYTES = 256 * 1024


class Untranslated(Exception):
    """A sentence kept untranslated with its values (`msgid`, `params`), so that what is stored
    in a log is shown in the language of whoever reads it; `str()` is the current language's."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid, self.params = msgid, params
        super().__init__(translated(msgid, params))


def translated(msgid: str, params: dict[str, object] | None = None) -> str:
    """The sentence `msgid` in the current language, with its values."""
    if not msgid:
        return ""
    text = gettext(msgid)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return msgid


class AddressRefused(Untranslated, Refused):
    """The address may not be called (scheme, credentials, or an inside address)."""


class CallFailed(Untranslated):
    """The call did not get an answer (refused connection, timeout, TLS error…)."""


@dataclass
class Answer:
    status: int
    body: bytes
    duration_ms: int


def _allowed_ip(text: str) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback and getattr(settings, "ORIENTA_OUTBOUND_ALLOW_LOOPBACK", False):
        return True
    return address.is_global and not address.is_multicast


def check_address(url: str) -> SplitResult:
    """The parsed address if it may be called in form (scheme, host, no credentials); refuses
    otherwise. The host's addresses are checked by `resolve`."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(
            gettext_noop("Give an address that starts with https:// (or http://).")
        )
    if parts.username or parts.password:
        raise AddressRefused(gettext_noop("The address may not contain a user name or a password."))
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise AddressRefused(gettext_noop("The address's port is not valid.")) from None
    return parts


def resolve(parts: SplitResult) -> str:
    """The first address of the host, once every address it resolves to is allowed."""
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(
            gettext_noop("The server %(host)s could not be found."), host=host[:100]
        ) from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(_allowed_ip(a) for a in addresses):
        raise AddressRefused(
            gettext_noop(
                "%(host)s is an address inside a private network or this server: "
                "Orienta sends only to public addresses."
            ),
            host=host[:100],
        )
    return addresses[0]


def check_url(url: str) -> str:
    """The address, cleaned, if it may be called now (form and resolution); refuses otherwise."""
    parts = check_address(url)
    resolve(parts)
    return parts.geturl()


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST `body` to `url` (checked and pinned to the address checked); the answer whatever
    its status. Raises AddressRefused or CallFailed."""
    parts = check_address(url)
    pinned = resolve(parts)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname or "", port, timeout=timeout)
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", port, timeout=timeout)

    def connect_pinned(address: Any, timeout: Any = None, source_address: Any = None) -> Any:
        return socket.create_connection((pinned, port), timeout, source_address)

    connection._create_connection = connect_pinned  # type: ignore[attr-defined]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as exc:
        raise _failure(exc) from None
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    return Answer(status=response.status, body=content, duration_ms=duration)


def _failure(exc: BaseException) -> CallFailed:
    if isinstance(exc, TimeoutError | socket.timeout):
        return CallFailed(gettext_noop("No answer in time."))
    if isinstance(exc, ConnectionRefusedError):
        return CallFailed(gettext_noop("The server refused the connection."))
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return CallFailed(gettext_noop("The server's certificate could not be checked."))
    return CallFailed(gettext_noop("The connection failed (%(error)s)."), error=type(exc).__name__)

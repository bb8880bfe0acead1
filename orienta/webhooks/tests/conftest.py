"""Fake partner servers on loopback, real HTTP servers in threads: a receiver of webhooks that
records what it gets and answers what the test tells it, and a fake DHIS2 that reads a data
value set and answers with an import summary as DHIS2 does."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orienta.core.models import Organisation
from orienta.directory.tests.factories import make_service


@pytest.fixture(autouse=True)
def _integrations_settings(settings):
    """The fake servers listen on 127.0.0.1 (refused in production); quick retries."""
    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = True
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_DISABLE_AFTER = 3
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeServer:
    """`answers`: the statuses to give, in order (then `default`); `received`: the requests."""

    url: str = ""
    answers: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    reply: object = None  # DHIS2: a function (Received) -> (status, dict)


def _serve(fake: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            got = Received(
                self.path, {k: v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            fake.received.append(got)
            if fake.reply is not None:
                status, data = fake.reply(got)
                content = json.dumps(data).encode()
            else:
                status = fake.answers.pop(0) if fake.answers else fake.default
                content = b'{"ok": true}' if status < 300 else b"error"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def receiver():
    fake = FakeServer()
    server = _serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


def dhis2_summary(got: Received, *, token="d2pat_good"):
    """What DHIS2 (2.38 and later) answers: a 401 without the right token, else an import
    summary counting the values, a value of an unknown data element as a conflict."""
    if got.headers.get("Authorization") != f"ApiToken {token}":
        return 401, {"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR"}
    values = json.loads(got.body)["dataValues"]
    conflicts = [
        {"object": v["dataElement"], "value": "Data element not found or not accessible"}
        for v in values
        if v["dataElement"] == "UNKNOWN0001"
    ]
    imported = len(values) - len(conflicts)
    return 409 if conflicts else 200, {
        "httpStatus": "Conflict" if conflicts else "OK",
        "status": "WARNING" if conflicts else "OK",
        "response": {
            "responseType": "ImportSummary",
            "status": "WARNING" if conflicts else "SUCCESS",
            "importCount": {
                "imported": imported,
                "updated": 0,
                "ignored": len(conflicts),
                "deleted": 0,
            },
            "conflicts": conflicts,
        },
    }


@pytest.fixture
def fake_dhis2():
    fake = FakeServer(reply=dhis2_summary)
    server = _serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def svcs(world, users):
    """A service of the Chad provider organisation, and one in Mozambique."""
    org_mz = Organisation.objects.create(
        name="Conservatória do Registo Civil", kind="public", country=world["mz"]
    )
    return {
        "td": make_service(
            world["provider_org"], name="Consultation prénatale", amount=500, currency="XAF"
        ),
        "mz": make_service(org_mz, name="Registo de nascimento", response_days=10),
    }

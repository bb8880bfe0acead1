"""Fake partner servers on loopback, real HTTP servers in threads: a receiver of webhooks that
records what it gets and answers what the test tells it, and a fake DHIS2 that reads a data
value set and answers with an import summary as DHIS2 does."""

import json

import pytest

from orienta.core.models import Organisation
from orienta.directory.tests.factories import make_service
from orienta.webhooks.tests.fakes import FakeServer, Received, serve


@pytest.fixture(autouse=True)
def _integrations_settings(settings):
    """The fake servers listen on 127.0.0.1 (refused in production); quick retries."""
    settings.ORIENTA_OUTBOUND_ALLOW_LOOPBACK = True
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_DISABLE_AFTER = 3
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def receiver():
    fake = FakeServer()
    server = serve(fake)
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
    server = serve(fake)
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

"""schemathesis against the OpenAPI document of /api/v1, as an authenticated agent: no server
error and no response that violates the document, on a small deterministic budget.

The longer run is a command (docs/security.md):

    SCHEMATHESIS_EXAMPLES=500 SECRET_KEY=t .venv/bin/python -m pytest \\
        orienta/api/tests/test_schemathesis.py -n 2
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from orienta.api.v1 import api
from orienta.core.services import api_token_issue

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
# Every answer: no server error, a body as the document describes. Valid requests: also the
# documented content type (an invalid id in a path typed `{uuid:...}` is refused by Django's
# URL resolver, whose 404 page is HTML).
CHECKS = {
    "positive": [not_a_server_error, response_schema_conformance, content_type_conformance],
    "negative": [not_a_server_error, response_schema_conformance],
}
DOCUMENT = api.get_openapi_schema()
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, ops in DOCUMENT["paths"].items() for method in ops
)


@pytest.fixture
def schema(settings):
    """The document, calling the WSGI application in this process, inside the test's
    transaction: as Django's test client does, requests do not close the connection."""
    settings.ALLOWED_HOSTS = ["*"]
    loaded = schemathesis.openapi.from_dict(DOCUMENT)
    loaded.app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield loaded
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def agent_headers(users, persons):
    token, _row = api_token_issue(user=users["agent_td"])
    # identity: the pages are gzipped for slow links, and the test client does not unzip.
    return {
        "Authorization": f"Bearer {token}",
        "Accept-Language": "en",
        "Accept-Encoding": "identity",
    }


def _run(operation, mode: str, headers: dict) -> None:
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # Each call in a savepoint rolled back after it: the calls do not see each other's
        # writes, and a database error (PostgreSQL aborts the transaction) stays with its call.
        savepoint = transaction.savepoint_create()
        try:
            case.call_and_validate(headers=headers, checks=CHECKS[mode])
        finally:
            transaction.savepoint_rollback(savepoint)

    check()


def _summary(exc: BaseException) -> str:
    """What failed and the request that reproduces it."""
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line.startswith(("- ST", "curl", "["))]
    return "\n    ".join(kept or lines[:5])


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_the_api_answers_as_its_document_says(schema, agent_headers, mode):
    """Every operation, valid (positive) or invalid (negative) requests; failures listed
    together, each with a request that reproduces it."""
    failures = []
    for label in OPERATIONS:
        method, path = label.split(" ", 1)
        try:
            _run(schema[path][method], mode, agent_headers)
        except Unsatisfiable:
            # An operation that documents nothing to get wrong (no parameter, a body read as
            # the caller sends it: the SMS gateway's callbacks) has no invalid request.
            if mode != "negative":
                raise
        except (Exception, BaseExceptionGroup) as exc:  # all tried, all listed
            failures.append(f"{label}:\n    {_summary(exc)}")
    assert not failures, f"{len(failures)} operations failed:\n" + "\n".join(failures)


def test_a_page_number_beyond_any_list_is_a_422_not_a_server_error(api, users):
    client = api(users["agent_td"])
    response = client.get("/persons", page=225382615326112108683198464)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


def test_a_nul_character_is_refused_in_a_body_and_dropped_from_a_search(api, users, persons):
    client = api(users["agent_td"])
    response = client.post("/persons/match", {"given_name": "Ach\x00ta", "family_name": "M"})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "nul"
    found = client.get("/persons", q="Mahamat\x00")
    assert found.status_code == 200 and found.json()["count"] == 1

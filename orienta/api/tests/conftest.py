"""Clients of the API: api(user) gives a JSON client that sends the user's bearer token."""

import json

import pytest
from django.test import Client

from orienta.core.services import api_token_issue

BASE = "/api/v1"


class ApiClient:
    """A JSON client of /api/v1 with a bearer token and a request language (English here)."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client()
        self.headers = {"Accept-Language": language}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params):
        return self.client.get(BASE + path, params, headers=self.headers)

    def _send(self, method: str, path: str, body):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body, default=str)
        return getattr(self.client, method)(
            BASE + path, data, content_type="application/json", headers=self.headers
        )

    def post(self, path: str, body=None):
        return self._send("post", path, {} if body is None else body)

    def patch(self, path: str, body=None):
        return self._send("patch", path, {} if body is None else body)


@pytest.fixture
def api(db):
    """api(user) -> ApiClient authenticated as the user; api() is anonymous."""

    def make(user=None, language: str = "en"):
        token = api_token_issue(user=user)[0] if user else None
        return ApiClient(token, language)

    return make


def _field_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content
    out: dict[str, list[str]] = {}
    for item in response.json()["detail"]:
        assert set(item) == {"loc", "msg", "type"}, item
        assert item["loc"][0] in ("body", "query", "path"), item
        key = item["loc"][1] if len(item["loc"]) > 1 else ""
        out.setdefault(key, []).append(item["type"])
    return out


@pytest.fixture
def field_errors():
    """field_errors(response): a 422 body, checked for its shape, as {field: [type, ...]};
    errors on the whole body are under the key ""."""
    return _field_errors

"""Random-id probing: for each role, every page and API route that takes an id or a code is
asked for ids and codes that exist nowhere; the answer is a refusal every time — 404, or 403
for a role refused outright (anonymous callers: the sign-in page, or 401 on the API, or 404 on
a public route such as a provider's link) — never
a page, never a server error.

Routes are found generically (the URL resolver and the OpenAPI document), so the routes other
apps add are probed too. The number of probes per role is shown at the end of the test run
("random-id probing", see conftest.py).
"""

import random
import string
import uuid
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

from orienta.api.v1 import api
from orienta.conftest import force_login_verified
from orienta.core.services import api_token_issue
from orienta.core.tests.conftest import PROBES_KEY
from orienta.testing.access import ROLES

PROBES_PER_ROUTE = 1
REFUSED = {404, 403}
SITE_PREFIXES = ("TD-NDJ1", "TD-MOU1", "MZ-MPM1")


def _random_code(rng: random.Random) -> str:
    """A readable code that looks real (a site's prefix) or a random token."""
    if rng.random() < 0.5:
        return f"{rng.choice(SITE_PREFIXES)}-{rng.randint(100000, 999999)}"
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=rng.randint(6, 24)))


def _random_value(converter, rng: random.Random):
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=rng.getrandbits(128), version=4)
    if isinstance(converter, IntConverter):
        return rng.randint(10**6, 10**9)
    if isinstance(converter, SlugConverter):
        return "-".join(rng.choices(["x", "zz", "probe", "q1"], k=3))
    if isinstance(converter, PathConverter):
        return f"{_random_code(rng)}/{_random_code(rng)}"
    return _random_code(rng)


def _page_routes(patterns=None, prefix="", converters=None):
    """(url name, {parameter: converter}) of every page route with a parameter."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    converters = converters or {}
    for p in patterns:
        found = converters | getattr(p.pattern, "converters", {})
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api-v1"):
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _page_routes(p.url_patterns, ns, found)
        elif isinstance(p, URLPattern) and found and p.name:
            yield f"{prefix}{p.name}", found


# ---------------------------------------------------------------------------------------------
# The API: paths with {parameters}, and a body that passes the schema, so the answer is about
# the id and not about the body.
# ---------------------------------------------------------------------------------------------


def _resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _sample(schema: dict, doc: dict, rng: random.Random):
    schema = _resolve(schema, doc)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, doc).get("type") != "null"]
            return _sample(options[0], doc, rng) if options else None
    kind = schema.get("type", "object")
    if kind == "object":
        # Every property, not only the required ones: a body that passes the schema and the
        # checks that come before the lookup of the id.
        props = schema.get("properties", {})
        return {name: _sample(prop, doc, rng) for name, prop in props.items()}
    return _scalar(schema, kind, rng)


def _scalar(schema: dict, kind: str, rng: random.Random):
    fmt = schema.get("format")
    if kind == "string":
        if fmt == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if fmt == "date":
            return date(2020, 1, 1).isoformat()
        if fmt == "date-time":
            return datetime(2020, 1, 1, 12, tzinfo=UTC).isoformat()
        text = "A request about an identifier that exists nowhere, asked on purpose."
        text = text.ljust(schema.get("minLength", 0), ".")
        return text[: schema.get("maxLength", len(text))]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


def _api_routes():
    """(method, path template, parameters, body sampler) of every API operation with a path
    parameter."""
    doc = api.get_openapi_schema()
    for path, operations in doc["paths"].items():
        if "{" not in path:
            continue
        for method, operation in operations.items():
            params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            content = operation.get("requestBody", {}).get("content", {})
            if "multipart/form-data" in content:  # an upload: its form fields and its file
                body = {"multipart": content["multipart/form-data"]["schema"]}
            else:
                body = content.get("application/json", {}).get("schema")
            yield method, path, params, body, doc


def _form(schema: dict, doc: dict, rng: random.Random) -> dict:
    """A multipart body that passes the schema: its fields sampled, a small file for each
    binary one."""
    fields = {}
    for name, prop in _resolve(schema, doc).get("properties", {}).items():
        if _resolve(prop, doc).get("format") == "binary":
            fields[name] = SimpleUploadedFile(f"{name}.csv", b"a,b\n1,2\n", "text/csv")
        else:
            value = _sample(prop, doc, rng)
            fields[name] = "" if value is None else value
    return fields


def _api_path(path: str, params: list, rng: random.Random) -> str:
    for param in params:
        schema = param.get("schema", {})
        if schema.get("format") == "uuid":
            value = uuid.UUID(int=rng.getrandbits(128), version=4)
        elif schema.get("type") == "integer":
            value = rng.randint(10**6, 10**9)
        else:
            value = _random_code(rng)
        path = path.replace("{" + param["name"] + "}", str(value))
    return path


# ---------------------------------------------------------------------------------------------
# The probes
# ---------------------------------------------------------------------------------------------


def _page_refused(response, role: str) -> bool:
    if role == "anonymous" and response.status_code == 302:
        return "/login/" in response["Location"]
    return response.status_code in REFUSED  # a public page (a provider's link) says 404


def _probe_pages(client, role, rng) -> tuple[int, list[str]]:
    count, wrong = 0, []
    for name, converters in _page_routes():
        for _try in range(PROBES_PER_ROUTE):
            kwargs = {key: _random_value(conv, rng) for key, conv in converters.items()}
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            count += 1
            if not _page_refused(response, role):
                wrong.append(f"{name} {url}: {response.status_code}")
    return count, wrong


def _probe_api(client, role, headers, rng) -> tuple[int, list[str]]:
    count, wrong = 0, []
    allowed = {401, 404} if role == "anonymous" else REFUSED
    for method, template, params, body, doc in _api_routes():
        for _try in range(PROBES_PER_ROUTE):
            path = _api_path(template, params, rng)
            kwargs = dict(headers)
            if body is not None and "multipart" in body:
                kwargs |= {"data": _form(body["multipart"], doc, rng)}
            elif body is not None:
                kwargs |= {"data": _sample(body, doc, rng), "content_type": "application/json"}
            response = getattr(client, method)(path, **kwargs)
            count += 1
            if response.status_code not in allowed:
                wrong.append(f"{method.upper()} {template} {path}: {response.status_code}")
    return count, wrong


@pytest.mark.parametrize("role", ROLES)
def test_random_ids_and_codes_are_refused_for_every_role(users, persons, role, record_property):
    rng = random.Random(f"probe-{role}")
    client, headers = Client(), {}
    if role != "anonymous":
        force_login_verified(client, users[role])
        token, _row = api_token_issue(user=users[role])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages, wrong_pages = _probe_pages(client, role, rng)
    api_calls, wrong_api = _probe_api(Client(), role, headers, rng)
    answer = "302 to sign-in / 401 / 404" if role == "anonymous" else "404/403"
    record_property(
        PROBES_KEY,
        f"{role:<15} {pages + api_calls:>5} probes ({pages} pages, {api_calls} API): "
        f"{pages + api_calls - len(wrong_pages) - len(wrong_api)} answered {answer}",
    )
    assert pages and api_calls
    assert not wrong_pages + wrong_api, "\n".join(wrong_pages + wrong_api)

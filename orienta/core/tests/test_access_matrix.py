"""Every URL pattern and API route, checked for every role against in- and out-of-scope objects.

"in" objects belong to site TD-NDJ1 (Chad); "out" objects to MZ-MPM1 (Mozambique).
A route missing from ROUTES (or API_ROUTES) fails `test_every_route_is_in_the_matrix`.
Apps added later keep their own matrix in `orienta/<app>/tests/access.py` (module-level
`ROUTES` and `API_ROUTES` dicts, checked by that app's tests; a part kept apart in
`access_<part>.py`); the coverage test counts them too.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from orienta.api.v1 import api
from orienta.audit.exports import export_create
from orienta.conftest import force_login_verified
from orienta.testing import access as matrix

ROLES = [
    "anonymous",
    "agent_td",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
    "me_hq",
    "admin_user",
    "provider_user",
]

# What each kind of route allows: role -> status for an in-scope object, and for out-of-scope.
# "ok" means the action is allowed (any of 200, 201, 302 to a non-login page, 409, 422).
READERS = {"agent_td", "manager_td", "coordinator_td"}
RECORDERS = {"agent_td", "manager_td"}


def expect(kind: str, role: str, target: str, api: bool = False) -> str:
    if role == "anonymous":
        return {"public": "ok"}.get(kind, "login")
    if kind in ("public", "any"):
        return "ok"
    if kind == "recorder":  # a form with no object yet: any site staff
        return "ok" if role in RECORDERS | {"agent_mz"} else 403
    if kind == "create":  # the site is in the body: out of the caller's sites is a 422
        if role not in RECORDERS | {"agent_mz"}:
            return 403
        return "ok" if (role == "agent_mz") == (target == "out") else 422
    if api and kind == "read" and role not in READERS | {"agent_mz", "coordinator_mz"}:
        return 404  # the API reads through the scope: nothing of it is visible
    rules = {
        "read": (READERS, 403),
        "record": (RECORDERS, 403),
        "merge": ({"manager_td"}, 403),
        "rights": ({"coordinator_td"}, 403),  # export, erasure: the country's coordinator
    }
    if kind in BY_SCOPE:
        return _expect_by_scope(kind, role, target)
    allowed, denied = rules[kind]
    if role in allowed:
        return "ok" if target == "in" else 404
    # A role that could act on its own scope but not on this object's gets a 404.
    same_kind_elsewhere = {
        "read": {"agent_mz", "coordinator_mz"},
        "record": {"agent_mz"},
        "merge": set(),
        "rights": {"coordinator_mz"},
    }[kind]
    if role in same_kind_elsewhere:
        return 404 if target == "in" else "ok"
    return denied


# Kinds where who may act differs in and out of scope: role sets for "in", and for "out".
BY_SCOPE = {
    "site": (
        {"agent_td", "manager_td", "coordinator_td", "me_hq", "admin_user"},
        {"coordinator_mz", "me_hq", "admin_user", "agent_mz"},
    ),
    # A person's access log: the coordinators of its country, and M&E for every country.
    "log": ({"coordinator_td", "me_hq"}, {"coordinator_mz", "me_hq"}),
    # An export (its page, its file): the user who made it, no one else.
    "export": ({"coordinator_td"}, {"coordinator_mz"}),
    "export_page": ({"coordinator_td"}, {"coordinator_mz"}),
}
LOG_READERS = {"coordinator_td", "coordinator_mz", "me_hq"}


def _expect_by_scope(kind: str, role: str, target: str):
    if kind == "log" and role not in LOG_READERS:
        return 403
    allowed_in, allowed_out = BY_SCOPE[kind]
    return "ok" if role in (allowed_in if target == "in" else allowed_out) else 404


# name -> (kind, method, path builder taking the objects of the target scope)
ROUTES = {
    "core:home": ("any", "get", lambda o: "/"),
    "core:healthz": ("public", "get", lambda o: "/healthz"),
    "core:robots": ("public", "get", lambda o: "/robots.txt"),
    "accounts:login": ("public", "get", lambda o: "/login/"),
    "accounts:logout": ("public", "post", lambda o: "/logout/"),
    # Everyone signed in uses their own account pages (verify and setup redirect when done).
    "accounts:2fa_setup": ("any", "get", lambda o: "/account/2fa/setup/"),
    "accounts:2fa_verify": ("any", "get", lambda o: "/account/2fa/verify/"),
    "accounts:reauth": ("any", "get", lambda o: "/account/reauth/"),
    "accounts:password": ("any", "get", lambda o: "/account/password/"),
    "core:set_language": ("public", "post", lambda o: "/language/"),
    "core:sites": ("any", "get", lambda o: "/sites/"),
    "core:site": ("site", "get", lambda o: f"/sites/{o['site'].code}/"),
    "frontdesk:day": ("record", "get", lambda o: f"/day/?site={o['site'].code}"),
    # Lists: allowed roles get the page; out-of-scope persons never appear in it (_LISTS).
    "frontdesk:person": ("read", "get", lambda o: f"/people/{o['person'].pk}/"),
    "frontdesk:visit_new": ("record", "get", lambda o: f"/visits/new/?person={o['person'].pk}"),
    # A visit of the scope's person, recorded by the site's agent: its author and the site's
    # manager may correct or void it.
    "frontdesk:visit_correct": ("record", "get", lambda o: f"/visits/{o['visit'].pk}/correct/"),
    "frontdesk:visit_void": ("record", "get", lambda o: f"/visits/{o['visit'].pk}/void/"),
    "people:search": ("read_list", "get", lambda o: f"/people/?q={o['person'].family_name}"),
    "people:register": ("recorder", "get", lambda o: "/people/new/"),
    "people:by_code": ("read", "get", lambda o: f"/people/code/{o['person'].code}/"),
    "people:open_existing": ("record", "post", lambda o: f"/people/{o['person'].pk}/open/"),
    "people:edit": ("record", "get", lambda o: f"/people/{o['person'].pk}/edit/"),
    "people:merge": ("merge", "get", lambda o: f"/people/{o['person'].pk}/merge/"),
    "people:consent": ("read", "get", lambda o: f"/people/{o['person'].pk}/consent/"),
    "people:export": ("rights", "get", lambda o: f"/people/{o['person'].pk}/export/"),
    "people:erase": ("rights", "get", lambda o: f"/people/{o['person'].pk}/erase/"),
    "people:household": ("record", "get", lambda o: f"/people/{o['person'].pk}/household/"),
    "people:household_create": (
        "record",
        "post",
        lambda o: f"/people/{o['person'].pk}/household/create/",
    ),
    "people:household_add": (
        "record",
        "post",
        lambda o: f"/people/{o['person'].pk}/household/add/",
    ),
    "people:household_leave": (
        "record",
        "post",
        lambda o: f"/people/{o['person'].pk}/household/{o['person'].pk}/leave/",
    ),
    "people:access_log": ("log", "get", lambda o: f"/people/{o['person'].pk}/access-log/"),
    "people:access_account": (
        "log",
        "get",
        lambda o: f"/people/{o['person'].pk}/access-log/account/",
    ),
    "audit:export": ("export_page", "get", lambda o: f"/exports/{_export(o).pk}/"),
    "audit:export_download": ("export", "get", lambda o: f"/exports/{_export(o).pk}/download/"),
}


def _export(objs):
    """An export of the scope's person, made by the coordinator of its country (once)."""
    if "export" not in objs:
        from orienta.core.models import User

        person = objs["person"]
        maker = User.objects.get(role="coordinator", country=person.site.country)
        objs["export"] = export_create(
            by=maker,
            reason="Request of the person",
            filename=f"{person.code}.json",
            content_type="application/json",
            data=b"{}",
            person=person,
        )
    return objs["export"]


# Site-scoped routes whose "object" is a site the role may not record at: for "record" kind
# routes without an object in the path the out-of-scope check is the site parameter.
NO_OBJECT = {
    "core:home",
    "core:healthz",
    "core:robots",
    "accounts:login",
    "accounts:logout",
    "accounts:2fa_setup",
    "accounts:2fa_verify",
    "accounts:reauth",
    "accounts:password",
    "core:set_language",
    "core:sites",
    "people:register",
}

API = "/api/v1"
# "METHOD /path" -> (kind, path builder, JSON body or None). Lists are checked for leaks.
API_ROUTES = {
    "POST /api/v1/auth/token": ("public", lambda o: f"{API}/auth/token", {}),
    "GET /api/v1/sites": ("list", lambda o: f"{API}/sites", None),
    "GET /api/v1/themes": ("any", lambda o: f"{API}/themes", None),
    "GET /api/v1/persons": ("list", lambda o: f"{API}/persons", None),
    "POST /api/v1/persons": (
        "create",
        lambda o: f"{API}/persons",
        lambda o: {"site": o["site"].code},
    ),
    "GET /api/v1/persons/{person_id}": ("read", lambda o: f"{API}/persons/{o['person'].pk}", None),
    "PATCH /api/v1/persons/{person_id}": (
        "record",
        lambda o: f"{API}/persons/{o['person'].pk}",
        lambda o: {"version": o["person"].version},
    ),
    "POST /api/v1/persons/match": (
        "list",
        lambda o: f"{API}/persons/match",
        lambda o: {"given_name": o["person"].given_name, "family_name": o["person"].family_name},
    ),
    "GET /api/v1/visits": ("list", lambda o: f"{API}/visits", None),
    "POST /api/v1/visits": (
        "create",
        lambda o: f"{API}/visits",
        lambda o: {"site": o["site"].code, "person": str(o["person"].pk)},
    ),
    # Corrected first (sorted), then the void finds it superseded: a 409, which is allowed.
    "POST /api/v1/visits/{visit_id}/correct": (
        "record",
        lambda o: f"{API}/visits/{o['visit'].pk}/correct",
        lambda o: {"reason": "Wrong outcome", "outcome": "oriented"},
    ),
    "POST /api/v1/visits/{visit_id}/void": (
        "record",
        lambda o: f"{API}/visits/{o['visit'].pk}/void",
        lambda o: {"reason": "Recorded twice"},
    ),
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api-v1"):
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name != "api_unknown":  # the API's JSON 404
            yield f"{prefix}{p.name}"


def _api_routes():
    paths = api.get_openapi_schema()["paths"]
    return {f"{m.upper()} {path.rstrip('/')}" for path, ops in paths.items() for m in ops}


def _app_matrices():
    """The per-app matrices: every `orienta/<app>/tests/access.py`, and `access_<part>.py` where
    an app keeps the matrix of one of its parts apart (reporting's logframe)."""
    root = Path(__file__).resolve().parents[2]
    paths = [*root.glob("*/tests/access.py"), *root.glob("*/tests/access_*.py")]
    for path in sorted(paths):
        yield importlib.import_module(f"orienta.{path.parts[-3]}.tests.{path.stem}")


def test_every_route_is_in_the_matrix():
    pages, routes = set(ROUTES), set(API_ROUTES)
    for module in _app_matrices():
        assert not pages & set(module.ROUTES), module.__name__
        assert not routes & set(module.API_ROUTES), module.__name__
        pages |= set(module.ROUTES)
        routes |= set(module.API_ROUTES)
    assert set(_walk(get_resolver().url_patterns)) == pages
    assert _api_routes() == routes


def _visit(person, agent):
    from orienta.core.models import Theme
    from orienta.frontdesk.services import visit_record

    data = {
        "themes": Theme.objects.all()[:1],
        "channel": "walk_in",
        "outcome": "informed",
        "occurred_at": person.created_at,
    }
    return visit_record(site=person.site, by=agent, data=data, person=person)


@pytest.fixture
def scope(world, users, persons):
    td, mz = persons["person_td"], persons["person_mz"]
    return {
        "in": {"site": world["sites"]["td"], "person": td, "visit": _visit(td, users["agent_td"])},
        "out": {
            "site": world["sites"]["mz"],
            "person": mz,
            "visit": _visit(mz, users["agent_mz"]),
        },
    }


# An allowed 302 must not be the sign-in page asking to sign in (?next=); logging out leads to
# the sign-in page itself.
SIGN_IN_ASKED = "/login/?next="


@pytest.mark.parametrize("role", ROLES)
def test_page_access(client, users, scope, role):
    """One role, every page route, in and out of scope (failures listed together)."""

    def check(name, target, response, before):
        kind, method, _build = ROUTES[name]
        if kind == "read_list":
            _check_page_list(response, role, target, scope[target])
        else:
            matrix.check_status(response, expect(kind, role, target), sign_in=SIGN_IN_ASKED)
        if method == "get" and kind in PERSONAL_KINDS:
            _check_page_logged(name, response, role, scope[target], before)
        elif kind != "site":
            matrix.check_refusal_logged(response, role, before)

    matrix.check_pages(client, users, role, scope, ROUTES, check, no_object=NO_OBJECT)


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, users, scope, role):
    """One role, every API route, in and out of scope."""

    def check(route, target, response, before):
        kind = API_ROUTES[route][0]
        _check_api_logged(route, response, role, scope[target], before)
        if kind == "list":
            _check_list(response, role, target, scope[target])
        elif kind == "public":
            assert response.status_code in (200, 401, 422)
        else:
            matrix.check_status(
                response, expect(kind, role, target, api=True), api=True, sign_in=SIGN_IN_ASKED
            )

    matrix.check_api(client, users, role, scope, API_ROUTES, check)


# Page routes of these kinds show personal data when allowed: each such GET leaves an entry in
# the access log; any refusal (403, or 404 out of scope) leaves a `refused` entry.
PERSONAL_KINDS = {"read", "read_list", "record", "merge", "rights", "log", "export"}
# Lists log a search (the text or filters and the number found), not each person.
LIST_PAGES = {"people:search", "frontdesk:day"}
# API routes that read personal data, and the entry an allowed call leaves.
API_LOGGED = {
    "GET /api/v1/persons/{person_id}": "read",
    "PATCH /api/v1/persons/{person_id}": "read",
    "GET /api/v1/persons": "search",
    "POST /api/v1/persons/match": "search",
    "GET /api/v1/visits": "search",
}


def _check_page_logged(route, response, role, objs, before):
    matrix.check_refusal_logged(response, role, before)
    if response.status_code != 200:
        return
    entries = matrix.logged(role, before)
    if route in LIST_PAGES:
        assert entries.filter(action="search").exists(), "the search is not in the access log"
    else:
        read = entries.filter(person=objs["person"].pk).exclude(action="refused")
        assert read.exists(), "the read is not in the access log"


def _check_api_logged(route, response, role, objs, before):
    matrix.check_refusal_logged(response, role, before)
    action = API_LOGGED.get(route)
    if action and response.status_code == 200:
        entries = matrix.logged(role, before).filter(action=action, channel="api")
        if action == "read":
            entries = entries.filter(person=objs["person"].pk)
        assert entries.exists(), f"the {action} is not in the access log"


def _check_list(response, role, target, objs):
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    text = response.content.decode()
    sees_in = role in READERS
    sees_out = role in {"agent_mz", "coordinator_mz"}
    person = str(objs["person"].pk)
    if "persons" in response.request["PATH_INFO"] or "visits" in response.request["PATH_INFO"]:
        visible = sees_in if target == "in" else sees_out
        if not visible:
            assert person not in text


def _check_page_list(response, role, target, objs):
    if role == "anonymous":
        assert response.status_code == 302 and "/login/?next=" in response["Location"]
        return
    if role not in READERS | {"agent_mz", "coordinator_mz"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    visible = role in READERS if target == "in" else role in {"agent_mz", "coordinator_mz"}
    assert (objs["person"].code in response.content.decode()) == visible


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_for_administrators_only(client, users, role):
    if role != "anonymous":
        force_login_verified(client, users[role])
    for url in ("/admin/", "/admin/core/user/", "/admin/core/site/", "/admin/core/theme/"):
        response = client.get(url)
        if role == "admin_user":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_personal_records_are_not_in_the_admin(client, users):
    force_login_verified(client, users["admin_user"])
    assert client.get("/admin/people/person/").status_code == 404
    assert client.get("/admin/frontdesk/visit/").status_code == 404

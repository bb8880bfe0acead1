"""The access matrix of the cases app: every page and API route, for every role.

Each route is checked against an object of site TD-NDJ1 ("in") and one of MZ-MPM1 ("out"):
a case held by the site's agent, with an action and a planned contact. `expected(kind, role,
target)` says what each role gets: "ok" (200, 201, 302 elsewhere than the login page, 409,
422), "login" (anonymous: 302 to the login page, or 401 from the API), 403 or 404.

Sensitive cases have their own table, `SENSITIVE`, checked by test_access.py.
"""

from orienta.testing import access as matrix

API = "/api/v1"

# Every role of the shared fixtures, and anonymous callers.
ROLES = matrix.ROLES

# Who works where: the "in" objects are at TD-NDJ1, the "out" objects at MZ-MPM1.
RECORDERS = {"in": {"agent_td", "manager_td"}, "out": {"agent_mz"}}
READERS = {"in": RECORDERS["in"] | {"coordinator_td"}, "out": RECORDERS["out"] | {"coordinator_mz"}}
SITE_STAFF = {"agent_td", "manager_td", "agent_td2", "agent_mz"}
PERSONAL = SITE_STAFF | {"coordinator_td", "coordinator_mz"}
MANAGERS = {"in": {"manager_td"}, "out": set()}


def _by_scope(allowed: set, role: str, target: str, *, others: int = 404):
    return "ok" if role in allowed[target] else others


def expected(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    if kind == "staff":  # a page without an object, for site staff
        return "ok" if role in SITE_STAFF else 403
    if kind == "reader":  # a page or list without an object, for readers of personal data
        return "ok" if role in PERSONAL else 403
    if kind == "any":
        return "ok"
    return _object_rule(kind, role, target, api)


def _object_rule(kind: str, role: str, target: str, api: bool):
    rule = {"read": _read, "record": _record, "create": _record, "manage": _manage}.get(kind)
    if rule is not None:
        return rule(kind, role, target, api)
    if kind == "settings":
        return _by_scope(MANAGERS, role, target) if role == "manager_td" else 403
    raise ValueError(kind)


def _read(kind, role, target, api):
    if role not in PERSONAL:
        return 404 if api else 403  # the API reads through the scope, which is empty
    return _by_scope(READERS, role, target)


def _record(kind, role, target, api):
    if role not in SITE_STAFF:
        return 403
    if kind == "create" and api:  # the person is in the body: out of scope is a 422
        return "ok" if role in RECORDERS[target] else 422
    return _by_scope(RECORDERS, role, target)


def _manage(kind, role, target, api):
    """Reassignment: managers only, of the case's site. The API finds the case first."""
    if api and role in RECORDERS[target]:
        return "ok" if role in MANAGERS[target] else 403
    if role != "manager_td":
        return 404 if api and role in SITE_STAFF else 403
    return _by_scope(MANAGERS, role, target)


# url name -> (kind, method, path builder taking the objects of the target scope)
ROUTES = {
    "cases:worklist": ("staff", "get", lambda o: "/worklist/"),
    "cases:worklist_section": ("staff", "get", lambda o: "/worklist/overdue/"),
    "cases:list": ("reader", "get", lambda o: "/cases/?status=all"),
    "cases:break_glass": ("reader", "get", lambda o: "/cases/break-glass/"),
    "cases:site_settings": ("settings", "get", lambda o: f"/worklist/settings/{o['site'].code}/"),
    "cases:new": ("record", "get", lambda o: f"/cases/new/?person={o['person'].pk}"),
    "cases:detail": ("read", "get", lambda o: f"/cases/{o['case'].pk}/"),
    "cases:edit": ("record", "get", lambda o: f"/cases/{o['case'].pk}/edit/"),
    "cases:start": ("record", "post", lambda o: f"/cases/{o['case'].pk}/start/"),
    "cases:close": ("record", "get", lambda o: f"/cases/{o['case'].pk}/close/"),
    "cases:reopen": ("record", "get", lambda o: f"/cases/{o['case'].pk}/reopen/"),
    "cases:reassign": ("manage", "get", lambda o: f"/cases/{o['case'].pk}/reassign/"),
    "cases:unmark_sensitive": (
        "manage",
        "get",
        lambda o: f"/cases/{o['case'].pk}/unmark-sensitive/",
    ),
    "cases:action_add": ("record", "post", lambda o: f"/cases/{o['case'].pk}/actions/"),
    "cases:followup_add": ("record", "post", lambda o: f"/cases/{o['case'].pk}/follow-ups/"),
    "cases:followup_plan": (
        "record",
        "post",
        lambda o: f"/cases/{o['case'].pk}/follow-ups/plan/",
    ),
    "cases:action_status": (
        "record",
        "post",
        lambda o: f"/cases/actions/{o['action'].pk}/status/",
    ),
    "cases:followup_cancel": (
        "record",
        "post",
        lambda o: f"/cases/follow-ups/{o['followup'].pk}/cancel/",
    ),
}

# Pages without an object: checked once, not in and out of scope.
NO_OBJECT = {"cases:worklist", "cases:worklist_section", "cases:list", "cases:break_glass"}
# Allowed GETs of these pages read personal data and must leave a `read` entry on the person.
LOGGED_READS = {
    "cases:detail",
    "cases:edit",
    "cases:close",
    "cases:reopen",
    "cases:reassign",
    "cases:unmark_sensitive",
}
LOGGED_SEARCHES = {"cases:worklist", "cases:worklist_section", "cases:list"}


def _version(o):
    return {"version": o["case"].version}


# "METHOD /path" -> (kind, path builder, JSON body or None)
API_ROUTES = {
    "GET /api/v1/cases": ("list", lambda o: f"{API}/cases?status=all", None),
    "POST /api/v1/cases": (
        "create",
        lambda o: f"{API}/cases",
        lambda o: {"person": str(o["person"].pk), "needs": ["health"]},
    ),
    "GET /api/v1/cases/{case_id}": ("read", lambda o: f"{API}/cases/{o['case'].pk}", None),
    "PATCH /api/v1/cases/{case_id}": ("record", lambda o: f"{API}/cases/{o['case'].pk}", _version),
    "POST /api/v1/cases/{case_id}/close": (
        "record",
        lambda o: f"{API}/cases/{o['case'].pk}/close",
        lambda o: {"reason": "needs_met"},
    ),
    "POST /api/v1/cases/{case_id}/reopen": (
        "record",
        lambda o: f"{API}/cases/{o['case'].pk}/reopen",
        lambda o: {"reason": "Nouvelle demande de la personne."},
    ),
    "POST /api/v1/cases/{case_id}/reassign": (
        "manage",
        lambda o: f"{API}/cases/{o['case'].pk}/reassign",
        lambda o: {"responsible": o["case"].responsible.username},
    ),
    "POST /api/v1/cases/{case_id}/unmark-sensitive": (
        "manage",
        lambda o: f"{API}/cases/{o['case'].pk}/unmark-sensitive",
        lambda o: {"reason": "La situation de danger est terminée."},
    ),
    "POST /api/v1/cases/{case_id}/break-glass": (
        "break_glass",
        lambda o: f"{API}/cases/{o['sensitive'].pk}/break-glass",
        lambda o: {"reason": "La personne est en danger, appel urgent."},
    ),
    "GET /api/v1/cases/{case_id}/actions": (
        "read",
        lambda o: f"{API}/cases/{o['case'].pk}/actions",
        None,
    ),
    "POST /api/v1/cases/{case_id}/actions": (
        "record",
        lambda o: f"{API}/cases/{o['case'].pk}/actions",
        lambda o: {"what": "Relancer", "due_on": "2030-01-01"},
    ),
    "PATCH /api/v1/cases/actions/{action_id}": (
        "record",
        lambda o: f"{API}/cases/actions/{o['action'].pk}",
        lambda o: {"version": o["action"].version, "status": "done"},
    ),
    "GET /api/v1/cases/{case_id}/follow-ups": (
        "read",
        lambda o: f"{API}/cases/{o['case'].pk}/follow-ups",
        None,
    ),
    "POST /api/v1/cases/{case_id}/follow-ups": (
        "record",
        lambda o: f"{API}/cases/{o['case'].pk}/follow-ups",
        lambda o: {"kind": "phone", "notes": "Appel"},
    ),
}

# API reads of personal data: an allowed call leaves this entry.
API_LOGGED = {
    "GET /api/v1/cases": "search",
    "GET /api/v1/cases/{case_id}": "read",
    "GET /api/v1/cases/{case_id}/actions": "read",
    "GET /api/v1/cases/{case_id}/follow-ups": "read",
}

# Who may break the glass on the sensitive case of each scope (held by the site's agent).
BREAK_GLASS = {"in": {"coordinator_td"}, "out": {"coordinator_mz"}}


def expected_break_glass(role: str, target: str):
    if role == "anonymous":
        return "login"
    if role not in PERSONAL:
        return 403
    return "ok" if role in BREAK_GLASS[target] else 404


# A sensitive case of TD-NDJ1 held by agent_td: who reads it (page and API), before and after
# breaking the glass. Another agent of the site ("agent_td_b") is checked by test_access.py.
SENSITIVE = {
    "agent_td": (200, 200),
    "manager_td": (200, 200),
    "agent_td2": (404, 404),  # another site: no glass to break
    "coordinator_td": (404, 200),
    "agent_mz": (404, 404),
    "coordinator_mz": (404, 404),
}

"""Access matrix of the support fund: every page and API route, with the rule it follows.

Objects: "in" is the scope of site TD-NDJ1 (Chad): its person, a request awaiting approval
made by agent_td, a paid request with a receipt, the provider Centre de santé de Chagoua and
Chad's current period; "out" is Mozambique's (site MZ-MPM1, its person and requests, the
organisation Associação Kuvumbana, Mozambique's period).

Kinds:
- "fund": every staff role (agents, managers, coordinators, M&E, administrators); providers 403;
- "approver": site managers and coordinators;
- "coordinator": country coordinators;
- "statements": managers, coordinators, M&E, administrators, providers; agents 403;
- "statement": as "statements", for the provider and period of the target's country (a
  provider only for its own organisation); others of those roles 404;
- "site": the site's staff, its country's coordinator, M&E and administrators; 404 for other
  staff, 403 for providers;
- "new": the staff of the person's site; other site staff 404; other roles 403;
- "read": personal-data roles in scope (the site's staff, the country's coordinator); other
  such roles 404; M&E, administrators, providers 403 (API: 404, nothing is visible to them);
- "decide", "pay": the site's manager and the country's coordinator; the requesting agent 403;
- "cancel": the requesting agent too;
- "list", "balances": every signed-in role, results scoped;
- "create": the person's site staff; other staff 422 (the person is not theirs); others 403.
"""

API = "/api/v1/fund"


def _req(key, suffix=""):
    return lambda o: f"/fund/requests/{o[key].pk}/{suffix}"


def _api_req(key, suffix=""):
    return lambda o: f"{API}/requests/{o[key].pk}{suffix}"


ROUTES = {
    "fund:home": ("fund", "get", lambda o: "/fund/?status=requested"),
    "fund:queue": ("approver", "get", lambda o: "/fund/queue/"),
    "fund:request_new": ("new", "get", lambda o: f"/fund/requests/new/?person={o['person'].pk}"),
    "fund:request": ("read", "get", _req("request")),
    "fund:approve": ("decide", "post", _req("request", "approve/")),
    "fund:reject": ("decide", "post", _req("request", "reject/")),
    "fund:cancel": ("cancel", "post", _req("request", "cancel/")),
    "fund:pay": ("pay", "post", _req("request", "pay/")),
    "fund:reverse": ("pay", "post", _req("paid", "reverse/")),
    "fund:receipt": ("read", "get", _req("paid", "receipt/")),
    "fund:positions": ("fund", "get", lambda o: "/fund/sites/"),
    "fund:site": ("site", "get", lambda o: f"/fund/sites/{o['site'].code}/"),
    "fund:allocations": ("coordinator", "get", lambda o: "/fund/allocations/"),
    "fund:period_new": ("coordinator", "get", lambda o: "/fund/periods/new/"),
    "fund:statements": ("statements", "get", lambda o: "/fund/statements/"),
    "fund:statement": (
        "statement",
        "get",
        lambda o: f"/fund/statements/{o['org'].pk}/{o['period'].pk}/?format=pdf",
    ),
    "fund:report": ("fund", "get", lambda o: "/fund/report/"),
    "fund:export": ("approver", "get", lambda o: "/fund/export/"),
}

NO_OBJECT = {
    "fund:home",
    "fund:queue",
    "fund:positions",
    "fund:allocations",
    "fund:period_new",
    "fund:statements",
    "fund:report",
    "fund:export",
}


def _create_body(o):
    return {
        "person": str(o["person"].pk),
        "amount": "500" if o["site"].country.currency != "MZN" else "5.00",
        "reason": "No income this month",
        "criteria": ["no_income"],
        "provider": str(o["org"].pk),
        "confirm_repeat": True,
    }


# "METHOD /path" (as in the OpenAPI document) -> (kind, path builder, JSON body or None)
API_ROUTES = {
    "GET /api/v1/fund/requests": ("list", lambda o: f"{API}/requests", None),
    "POST /api/v1/fund/requests": ("create", lambda o: f"{API}/requests", _create_body),
    "GET /api/v1/fund/requests/{request_id}": ("read", _api_req("request"), None),
    "POST /api/v1/fund/requests/{request_id}/approve": (
        "decide",
        _api_req("request", "/approve"),
        {},
    ),
    "POST /api/v1/fund/requests/{request_id}/reject": (
        "decide",
        _api_req("request", "/reject"),
        {"reason": "Not eligible"},
    ),
    "POST /api/v1/fund/requests/{request_id}/cancel": (
        "cancel",
        _api_req("request", "/cancel"),
        {"reason": ""},
    ),
    "POST /api/v1/fund/requests/{request_id}/pay": (
        "pay",
        _api_req("request", "/pay"),
        {"method": "cash", "receipt_number": "R-77"},
    ),
    "POST /api/v1/fund/requests/{request_id}/reverse": (
        "pay",
        _api_req("paid", "/reverse"),
        {"reason": "Recorded twice"},
    ),
    "GET /api/v1/fund/balances": ("balances", lambda o: f"{API}/balances", None),
}

HQ = {"me_hq", "admin_user"}
SITE_STAFF = {"in": {"agent_td", "manager_td"}, "out": {"agent_mz"}}
COORDINATOR = {"in": "coordinator_td", "out": "coordinator_mz"}
# Staff of the same kind who work elsewhere: the object is not theirs to see.
OTHER_STAFF = {
    "in": {"agent_td2", "agent_mz", "coordinator_mz"},
    "out": {"agent_td", "agent_td2", "manager_td", "coordinator_td"},
}
APPROVERS = {"in": {"manager_td", "coordinator_td"}, "out": {"coordinator_mz"}}


def _readers(target):
    return SITE_STAFF[target] | {COORDINATOR[target]}


def _expect_read(kind, role, target, api):
    """read, decide, pay, cancel: in scope or not, then allowed or not."""
    if role in HQ | {"provider_user"}:
        return 404 if api else 403
    if role in OTHER_STAFF[target]:
        return 404
    allowed = {
        "read": _readers(target),
        "decide": APPROVERS[target],
        "pay": APPROVERS[target],
        "cancel": APPROVERS[target] | {"in": {"agent_td"}, "out": {"agent_mz"}}[target],
    }[kind]
    return "ok" if role in allowed else 403


def _expect_cso(kind, api):
    """A partner CSO's staff use no fund: refused pages, and no request found by the API."""
    return 404 if api and kind in ("read", "decide", "pay", "cancel") else 403


def _expect_site(role, target):
    if role == "provider_user":
        return 403
    return "ok" if role in _readers(target) | HQ else 404


def _expect_statement(role, target):
    if role.startswith("agent"):
        return 403
    allowed = {COORDINATOR[target]} | HQ
    if target == "in":
        allowed |= {"manager_td", "provider_user"}
    return "ok" if role in allowed else 404


def _expect_new(role, target, create=False):
    if role not in {"agent_td", "agent_td2", "manager_td", "agent_mz"}:
        return 403
    if role in SITE_STAFF[target]:
        return "ok"
    return 422 if create else 404


def expect(kind: str, role: str, target: str, api: bool = False):
    """ "ok", "login" or the status a role gets on a route of this kind for the target."""
    if role == "anonymous":
        return "login"
    if kind in ("list", "balances"):
        return "ok"
    if role == "cso_td" and kind not in ("new", "create"):
        return _expect_cso(kind, api)
    by_role = {
        "fund": lambda: 403 if role == "provider_user" else "ok",
        "approver": lambda: (
            "ok" if role in {"manager_td", "coordinator_td", "coordinator_mz"} else 403
        ),
        "coordinator": lambda: "ok" if role in {"coordinator_td", "coordinator_mz"} else 403,
        "statements": lambda: 403 if role.startswith("agent") else "ok",
        "statement": lambda: _expect_statement(role, target),
        "site": lambda: _expect_site(role, target),
        "new": lambda: _expect_new(role, target),
        "create": lambda: _expect_new(role, target, create=True),
    }
    if kind in by_role:
        return by_role[kind]()
    return _expect_read(kind, role, target, api)


# Routes that read personal data: the access-log entry an allowed call leaves.
LOGGED = {
    "fund:home": "search",
    "fund:queue": "search",
    "fund:request_new": "read",
    "fund:request": "read",
    "fund:receipt": "read",
    "GET /api/v1/fund/requests": "search",
    "POST /api/v1/fund/requests": "read",
    "GET /api/v1/fund/requests/{request_id}": "read",
}

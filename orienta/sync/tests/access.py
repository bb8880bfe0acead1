"""The access matrix of the sync pages and the exchange API, for every role.

"in" objects belong to site TD-NDJ1 (Chad): a node of the site and a conflict it raised; "out"
objects to MZ-MPM1 (Mozambique). `expect(kind, role, target)` says what each role gets: "ok"
(200, 302 elsewhere than the sign-in page, 409, 422), "login", 401, 403 or 404.

- the status page: a site's staff, coordinators and administrators (M&E and providers: 403);
- the nodes' page, revocation and a node's fund allowance: administrators only;
- conflicts: site managers (their sites) and coordinators (their country); another scope's
  conflict is a 404;
- the exchange API does not take users' tokens: a node's credential only (401 for every user),
  and enrolment answers 409 to a wrong code whoever asks.
"""

from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES

STATUS = {
    "agent_td",
    "agent_td2",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
    "admin_user",
}
ADMINS = {"admin_user"}
RESOLVERS = {"manager_td", "coordinator_td", "coordinator_mz"}
RESOLVES = {"in": {"manager_td", "coordinator_td"}, "out": {"coordinator_mz"}}


def expect(kind: str, role: str, target: str, api: bool = False):
    if kind == "enrol":
        return "ok"
    if kind == "node":
        return "login"
    if role == "anonymous":
        return "login"
    if kind == "status":
        return "ok" if role in STATUS else 403
    if kind in ("nodes", "revoke"):
        return "ok" if role in ADMINS else 403
    if kind == "conflicts":
        return "ok" if role in RESOLVERS else 403
    if kind == "resolve":
        if role not in RESOLVERS:
            return 403
        return "ok" if role in RESOLVES[target] else 404
    raise ValueError(kind)


ROUTES = {
    "sync:status": ("status", "get", lambda o: "/sync/"),
    "sync:nodes": ("nodes", "get", lambda o: "/sync/nodes/"),
    "sync:node_revoke": ("revoke", "post", lambda o: f"/sync/nodes/{o['node'].pk}/revoke/"),
    "sync:node_allowance": (
        "revoke",
        "post",
        lambda o: f"/sync/nodes/{o['node'].pk}/allowance/",
    ),
    "sync:conflicts": ("conflicts", "get", lambda o: "/sync/conflicts/"),
    "sync:conflict_resolve": (
        "resolve",
        "post",
        lambda o: f"/sync/conflicts/{o['conflict'].pk}/",
    ),
}
NO_OBJECT = {"sync:status", "sync:nodes", "sync:conflicts"}

API_ROUTES = {
    "POST /api/v1/sync/enrol": ("enrol", lambda o: f"{API}/sync/enrol", {"code": "AAAA-BBBB"}),
    "POST /api/v1/sync/exchange": ("node", lambda o: f"{API}/sync/exchange", {"protocol": 1}),
}

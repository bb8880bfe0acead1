"""The access matrix of the imports: every page, for every role.

"in" objects belong to site TD-NDJ1 (Chad): an import of visits uploaded by its site manager;
"out" objects to MZ-MPM1 (Mozambique): one uploaded by its agent. What a role gets: "ok",
"login" (anonymous), 403 (the role never does this) or 404 (out of its scope).

- the page `/imports/` (the upload form and the log): site staff and coordinators; M&E,
  administrators and providers never (403); a coordinator reads the log but uploads nothing;
- one import of the log: site staff of its site, the coordinator of its country;
- mapping, dry run and import: the person who uploaded the file alone (another site staff
  member gets a 404; a role that never imports, a 403);
- the API's read-only log (`GET /api/v1/imports`, `GET /api/v1/imports/{id}`): as the log's
  pages (the list shows only the imports in scope; anonymous callers get 401).
"""

from orienta.testing import access as matrix

ROLES = matrix.ROLES
SITE_STAFF = {"agent_td", "agent_td2", "manager_td", "agent_mz"}
LOG_READERS = SITE_STAFF | {"coordinator_td", "coordinator_mz"}
READS = {
    "in": {"agent_td", "manager_td", "coordinator_td"},
    "out": {"agent_mz", "coordinator_mz"},
}
AUTHOR = {"in": "manager_td", "out": "agent_mz"}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    if kind == "log":
        return "ok" if role in LOG_READERS else 403
    if kind == "read":
        if role not in LOG_READERS:
            return 403
        return "ok" if role in READS[target] else 404
    # "author": map, dry run, import
    if role not in SITE_STAFF:
        return 403
    return "ok" if role == AUTHOR[target] else 404


ROUTES = {
    "imports:index": ("log", "get", lambda o: "/imports/"),
    "imports:detail": ("read", "get", lambda o: f"/imports/{o['run'].pk}/"),
    "imports:map": ("author", "get", lambda o: f"/imports/{o['run'].pk}/map/"),
    "imports:check": ("author", "get", lambda o: f"/imports/{o['run'].pk}/check/"),
    "imports:execute": ("author", "post", lambda o: f"/imports/{o['run'].pk}/import/"),
}
NO_OBJECT = {"imports:index"}
API = "/api/v1"
API_ROUTES = {
    "GET /api/v1/imports": ("log", lambda o: f"{API}/imports"),
    "GET /api/v1/imports/{import_id}": ("read", lambda o: f"{API}/imports/{o['run'].pk}"),
}

"""Access matrix of the directory: every page and API route, with the rule it follows.

Objects: "in" is the scope of site TD-NDJ1 (Chad): a service of the provider organisation, the
site; "out" is Mozambique's (a legal aid service, site MZ-MPM1). The directory holds no
personal data: reads leave no access-log entry; refusals are logged like everywhere.

Kinds:
- "list": every signed-in role (the results are scoped);
- "read": the service's country staff, HQ roles, and a provider for its own organisation;
- "edit": site managers and coordinators of the service's country, HQ roles; other readers 403;
- "editor": a form with no object yet: managers, coordinators, HQ roles;
- "site": the staff of the site, its country's coordinator, HQ roles; providers 403;
- "exchange": coordinators, M&E and administrators.
"""

from decimal import Decimal

from orienta.directory.hsds import TAXONOMY_ID, term_id

API = "/api/v1/hsds"


def _cost(o):
    from orienta.directory.services import cost_option_add

    cost = cost_option_add(by=None, service=o["service"], option="Copy", amount=Decimal(1))
    return f"/directory/services/{o['service'].pk}/cost/{cost.pk}/remove/"


def _place(o):
    """A place of the scope's service (its BIOSP site's location)."""
    from orienta.directory.services import service_at_location_add, site_location

    link = service_at_location_add(by=None, service=o["service"], location=site_location(o["site"]))
    return link.pk


def _service_url(suffix=""):
    return lambda o: f"/directory/services/{o['service'].pk}/{suffix}"


# name -> (kind, method, path builder)
ROUTES = {
    "directory:search": ("list", "get", lambda o: "/directory/?q=a"),
    "directory:create": ("editor", "get", lambda o: "/directory/services/new/"),
    "directory:detail": ("read", "get", _service_url()),
    "directory:edit": ("edit", "get", _service_url("edit/")),
    "directory:verify": ("edit", "post", _service_url("verify/")),
    "directory:cost_add": ("edit", "post", _service_url("costs/")),
    "directory:schedule_add": ("edit", "post", _service_url("hours/")),
    "directory:permanence_add": ("edit", "post", _service_url("permanences/")),
    "directory:contact_add": ("edit", "post", _service_url("contacts/")),
    "directory:place_add": ("edit", "post", _service_url("places/")),
    "directory:item_remove": ("edit", "post", _cost),
    "directory:organisation_new": ("editor", "get", lambda o: "/directory/organisations/new/"),
    "directory:organisation_edit": (
        "edit",
        "get",
        lambda o: f"/directory/organisations/{o['service'].organisation_id}/edit/",
    ),
    "directory:print": ("site", "get", lambda o: f"/directory/print/{o['site'].code}/"),
    "directory:exchange": ("exchange", "get", lambda o: "/directory/exchange/"),
    "directory:export_json": ("exchange", "get", lambda o: "/directory/exchange/hsds.json"),
    "directory:export_csv": ("exchange", "get", lambda o: "/directory/exchange/hsds.zip"),
}

# Routes without an object: checked once.
NO_OBJECT = {
    "directory:search",
    "directory:organisation_new",
    "directory:create",
    "directory:exchange",
    "directory:export_json",
    "directory:export_csv",
}

# "METHOD /path" (as in the OpenAPI document) -> (kind, path builder)
API_ROUTES = {
    "GET /api/v1/hsds": ("list", lambda o: f"{API}/"),
    "GET /api/v1/hsds/services": ("list", lambda o: f"{API}/services"),
    "GET /api/v1/hsds/services/{service_id}": (
        "read",
        lambda o: f"{API}/services/{o['service'].pk}",
    ),
    "GET /api/v1/hsds/organizations": ("list", lambda o: f"{API}/organizations"),
    "GET /api/v1/hsds/organizations/{organization_id}": (
        "read",
        lambda o: f"{API}/organizations/{o['service'].organisation_id}",
    ),
    "GET /api/v1/hsds/service_at_locations": ("list", lambda o: f"{API}/service_at_locations"),
    "GET /api/v1/hsds/service_at_locations/{service_at_location_id}": (
        "read",
        lambda o: f"{API}/service_at_locations/{_place(o)}",
    ),
    "GET /api/v1/hsds/taxonomies": ("list", lambda o: f"{API}/taxonomies"),
    "GET /api/v1/hsds/taxonomies/{taxonomy_id}": (
        "list",
        lambda o: f"{API}/taxonomies/{TAXONOMY_ID}",
    ),
    "GET /api/v1/hsds/taxonomy_terms/{taxonomy_term_id}": (
        "list",
        lambda o: f"{API}/taxonomy_terms/{term_id('health')}",
    ),
    "GET /api/v1/hsds/taxonomy_terms": ("list", lambda o: f"{API}/taxonomy_terms"),
}

HQ = {"me_hq", "admin_user"}
STAFF = {
    "in": {"agent_td", "agent_td2", "manager_td", "coordinator_td"},
    "out": {"agent_mz", "coordinator_mz"},
}
EDITORS = {"in": {"manager_td", "coordinator_td"}, "out": {"coordinator_mz"}}
SITE_STAFF = {
    "in": {"agent_td", "manager_td", "coordinator_td"},
    "out": {"agent_mz", "coordinator_mz"},
}


def _readers(target):
    readers = STAFF[target] | HQ
    return readers | {"provider_user"} if target == "in" else readers


def expect(kind: str, role: str, target: str):
    """ "ok", "login" or the status a role gets on a route of this kind for the target."""
    if role == "anonymous":
        return "login"
    if kind == "list":
        return "ok"
    if kind == "read":
        return "ok" if role in _readers(target) else 404
    if kind == "edit":
        if role in EDITORS[target] | HQ:
            return "ok"
        return 403 if role in _readers(target) else 404
    if kind == "editor":
        return "ok" if role in EDITORS["in"] | EDITORS["out"] | HQ else 403
    if kind == "site":
        if role == "provider_user":
            return 403
        return "ok" if role in SITE_STAFF[target] | HQ else 404
    if kind == "exchange":
        return "ok" if role in {"coordinator_td", "coordinator_mz"} | HQ else 403
    raise ValueError(kind)

"""The access matrix of the partners app: every page and API route, for every role.

"in" objects belong to Association Tchad Solidarité (Chad, the CSO of the `cso_td` account),
"out" objects to Associação Kuvumbana (Mozambique). What a role gets: "ok", "login"
(anonymous), 403 (the role never does this) or 404 (out of its scope). A CSO's staff read and
edit their own organisation only; coordinators their country's CSOs; headquarters (M&E) every
CSO; administrators read every CSO and, with M&E, edit the OCA tool; agents, site managers and
providers have no part in it.
"""

from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES
READERS = {
    "in": {"cso_td", "coordinator_td", "me_hq", "admin_user"},
    "out": {"coordinator_mz", "me_hq", "admin_user"},
}
ANY_READER = READERS["in"] | READERS["out"]
EDITORS = {"in": {"cso_td", "coordinator_td", "me_hq"}, "out": {"coordinator_mz", "me_hq"}}
ANY_EDITOR = EDITORS["in"] | EDITORS["out"]
REGISTRARS = {"coordinator_td", "coordinator_mz", "me_hq"}
TOOL_EDITORS = {"me_hq", "admin_user"}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    allowed = {"list": ANY_READER, "register": REGISTRARS, "tool_edit": TOOL_EDITORS}.get(kind)
    if allowed is not None:
        return "ok" if role in allowed else 403
    if kind == "read":
        if role not in ANY_READER:
            return 403
        return "ok" if role in READERS[target] else 404
    # "edit" (a page or a POST on a record) and "create" (an API body naming the CSO)
    if role not in ANY_EDITOR:
        return 403
    if role in EDITORS[target]:
        return "ok"
    return 422 if kind == "create" else 404


def _pk(key):
    return lambda o: o[key].pk


ROUTES = {
    "partners:list": ("list", "get", lambda o: "/partners/"),
    "partners:register": ("register", "get", lambda o: "/partners/new/"),
    "partners:current_tool": ("list", "get", lambda o: "/partners/tool/"),
    "partners:tool": ("list", "get", lambda o: f"/partners/tools/{o['tool'].pk}/"),
    "partners:export": ("list", "get", lambda o: "/partners/export/assessments.xlsx"),
    "partners:detail": ("read", "get", lambda o: f"/partners/{o['cso'].pk}/"),
    "partners:edit": ("edit", "get", lambda o: f"/partners/{o['cso'].pk}/edit/"),
    "partners:contact_add": ("edit", "post", lambda o: f"/partners/{o['cso'].pk}/contacts/"),
    "partners:document_add": ("edit", "post", lambda o: f"/partners/{o['cso'].pk}/documents/"),
    "partners:assess": ("edit", "get", lambda o: f"/partners/{o['cso'].pk}/assess/"),
    "partners:action_add": ("edit", "post", lambda o: f"/partners/{o['cso'].pk}/actions/"),
    "partners:grant_add": ("edit", "get", lambda o: f"/partners/{o['cso'].pk}/grants/new/"),
    "partners:application_add": (
        "edit",
        "get",
        lambda o: f"/partners/{o['cso'].pk}/applications/new/",
    ),
    "partners:contact_remove": (
        "edit",
        "post",
        lambda o: f"/partners/contacts/{o['contact'].pk}/remove/",
    ),
    "partners:document": ("read", "get", lambda o: f"/partners/documents/{o['document'].pk}/"),
    "partners:assessment": (
        "read",
        "get",
        lambda o: f"/partners/assessments/{o['assessment'].pk}/",
    ),
    "partners:action_status": (
        "edit",
        "post",
        lambda o: f"/partners/actions/{o['action'].pk}/status/",
    ),
    "partners:grant": ("read", "get", lambda o: f"/partners/grants/{o['grant'].pk}/"),
    "partners:tranche_add": (
        "edit",
        "post",
        lambda o: f"/partners/grants/{o['grant'].pk}/tranches/",
    ),
    "partners:report_add": ("edit", "post", lambda o: f"/partners/grants/{o['grant'].pk}/reports/"),
    "partners:tranche_release": (
        "edit",
        "post",
        lambda o: f"/partners/tranches/{o['tranche'].pk}/release/",
    ),
    "partners:report_received": (
        "edit",
        "post",
        lambda o: f"/partners/reports/{o['report'].pk}/received/",
    ),
    "partners:application_edit": (
        "edit",
        "get",
        lambda o: f"/partners/applications/{o['application'].pk}/",
    ),
}
NO_OBJECT = {
    "partners:list",
    "partners:register",
    "partners:current_tool",
    "partners:tool",
    "partners:export",
}


def _assessment(o):
    tool = o["tool"]
    return {
        "organisation": str(o["cso"].pk),
        "scores": {s.code: {"score": 3} for _a, s in tool.parsed().statements()},
    }


def _grant(o):
    return {
        "organisation": str(o["cso"].pk),
        "reference": f"SG-API-{o['cso'].country.code}",
        "purpose": "Accueil",
        "amount": "250000",
        "currency": o["cso"].country.currency,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }


API_ROUTES = {
    "GET /api/v1/partners/organisations": (
        "list",
        lambda o: f"{API}/partners/organisations",
        None,
    ),
    "GET /api/v1/partners/organisations/{organisation_id}": (
        "read",
        lambda o: f"{API}/partners/organisations/{o['cso'].pk}",
        None,
    ),
    "POST /api/v1/partners/organisations": (
        "register",
        lambda o: f"{API}/partners/organisations",
        lambda o: {"name": f"Nouvelle association {o['cso'].country.code}", "country": "TD"},
    ),
    "GET /api/v1/partners/assessments": ("list", lambda o: f"{API}/partners/assessments", None),
    "GET /api/v1/partners/assessments/{assessment_id}": (
        "read",
        lambda o: f"{API}/partners/assessments/{o['assessment'].pk}",
        None,
    ),
    "POST /api/v1/partners/assessments": (
        "create",
        lambda o: f"{API}/partners/assessments",
        _assessment,
    ),
    "GET /api/v1/partners/grants": ("list", lambda o: f"{API}/partners/grants", None),
    "GET /api/v1/partners/grants/{grant_id}": (
        "read",
        lambda o: f"{API}/partners/grants/{o['grant'].pk}",
        None,
    ),
    "POST /api/v1/partners/grants": ("create", lambda o: f"{API}/partners/grants", _grant),
    "GET /api/v1/partners/applications": (
        "list",
        lambda o: f"{API}/partners/applications",
        None,
    ),
    "GET /api/v1/partners/applications/{application_id}": (
        "read",
        lambda o: f"{API}/partners/applications/{o['application'].pk}",
        None,
    ),
    "GET /api/v1/partners/actions": ("list", lambda o: f"{API}/partners/actions", None),
    "GET /api/v1/partners/actions/{action_id}": (
        "read",
        lambda o: f"{API}/partners/actions/{o['action'].pk}",
        None,
    ),
}

"""The access matrix of the families app: every page and API route, for every role.

"in" objects belong to site TD-NDJ1 (Chad), "out" objects to MZ-MPM1 (Mozambique): a household
with an assessment, an enrolment and a goal, and the country's instrument. What a role gets:
"ok", "login" (anonymous), 403 (the role never does this) or 404 (out of its sites' scope).
Families are the work of the site's agents and managers: nobody else reads a household's
answers, plan or notes; every staff role reads the instruments, HQ and administrators edit
them; managers, coordinators and HQ export the assessments (names for managers only).
"""

from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES
SITE_STAFF = {"agent_td", "agent_td2", "manager_td", "agent_mz"}
WORKERS = {"in": {"agent_td", "manager_td"}, "out": {"agent_mz"}}
INSTRUMENT_READERS = set(ROLES) - {"anonymous", "provider_user", "cso_td"}
EDITORS = {"me_hq", "admin_user"}
EXPORTERS = {"manager_td", "coordinator_td", "coordinator_mz", "me_hq"}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    allowed = {
        "staff": SITE_STAFF,
        "instruments": INSTRUMENT_READERS,
        "editor": EDITORS,
        "export": EXPORTERS,
    }.get(kind)
    if allowed is not None:
        return "ok" if role in allowed else 403
    if role not in SITE_STAFF:
        return 403
    if role in WORKERS[target]:
        return "ok"
    return 422 if kind == "create" else 404  # a household code in the body: a field error


ROUTES = {
    "families:list": ("staff", "get", lambda o: "/families/"),
    "families:instruments": ("instruments", "get", lambda o: "/families/instruments/"),
    "families:instrument_new": ("editor", "get", lambda o: "/families/instruments/new/"),
    "families:instrument": (
        "instruments",
        "get",
        lambda o: f"/families/instruments/{o['instrument'].pk}/",
    ),
    "families:export": ("export", "get", lambda o: "/families/export/"),
    "families:household": ("record", "get", lambda o: f"/families/{o['household'].pk}/"),
    "families:assess": ("record", "get", lambda o: f"/families/{o['household'].pk}/assess/"),
    "families:enrol": ("record", "get", lambda o: f"/families/{o['household'].pk}/enrol/"),
    "families:goal_add": ("record", "post", lambda o: f"/families/{o['household'].pk}/goals/"),
    "families:goal_status": (
        "record",
        "post",
        lambda o: f"/families/goals/{o['goal'].pk}/status/",
    ),
    "families:link_add": ("record", "post", lambda o: f"/families/{o['household'].pk}/actions/"),
    "families:exit": ("record", "get", lambda o: f"/families/{o['household'].pk}/exit/"),
}
NO_OBJECT = {"families:list", "families:instruments", "families:instrument_new", "families:export"}
# Allowed GETs that show a household: a `read` entry on its head in the access log.
LOGGED_READS = {"families:household", "families:assess", "families:enrol", "families:exit"}


def _assessment(o):
    return {
        "household": o["household"].code,
        "instrument": str(o["instrument"].pk),
        "answers": {"meals": "one", "diet": "no", "water": "no", "roof": "no"},
    }


API_ROUTES = {
    "GET /api/v1/families/instruments": (
        "instruments",
        lambda o: f"{API}/families/instruments",
        None,
    ),
    "GET /api/v1/families/assessments": (
        "staff",
        lambda o: f"{API}/families/assessments",
        None,
    ),
    "POST /api/v1/families/assessments": (
        "create",
        lambda o: f"{API}/families/assessments",
        _assessment,
    ),
    "GET /api/v1/families/enrolments": ("staff", lambda o: f"{API}/families/enrolments", None),
    "POST /api/v1/families/enrolments": (
        "create",
        lambda o: f"{API}/families/enrolments",
        lambda o: {
            "household": o["household"].code,
            "criteria": "Très vulnérable",
            "consent": True,
        },
    ),
}

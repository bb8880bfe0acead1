"""The access matrix of community work: every page and API route, for every role.

"in" objects belong to site TD-NDJ1 (Chad), recorded by agent_td; "out" objects to MZ-MPM1
(Mozambique), by agent_mz: a held session, fair and training, a participant (the site's agent).
`expect(kind, role, target)` says what each role gets: "ok" (200, 201, 302 elsewhere than the
sign-in page, 409, 422), "login", 403 or 404.

- reading (the calendar, an activity, the export): site staff their sites, coordinators their
  country, M&E and administrators every site (counts only); a provider's account nothing;
- writing: site staff at their own sites only; a reader who may not write gets a 403;
- an agent's training record: the agent, their site's managers, their country's coordinator,
  M&E and administrators.
"""

from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES

SITE_STAFF = {"agent_td", "agent_td2", "manager_td", "agent_mz"}
READERS = SITE_STAFF | {"coordinator_td", "coordinator_mz", "me_hq", "admin_user"}
# Who sees the activities of each scope, and who writes them.
SEES = {
    "in": {"agent_td", "manager_td", "coordinator_td", "me_hq", "admin_user"},
    "out": {"agent_mz", "coordinator_mz", "me_hq", "admin_user"},
}
WRITES = {"in": {"agent_td", "manager_td"}, "out": {"agent_mz"}}
# Whose training record each scope's agent (agent_td, agent_mz) is open to.
RECORD = {
    "in": {"agent_td", "manager_td", "coordinator_td", "me_hq", "admin_user"},
    "out": {"agent_mz", "coordinator_mz", "me_hq", "admin_user"},
}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    if kind in NO_OBJECT_KINDS:
        return "ok" if role in NO_OBJECT_KINDS[kind] else 403
    if kind == "create":  # the site is in the body: another's site is a 422
        if role not in SITE_STAFF:
            return 403
        return "ok" if role in WRITES[target] else 422
    if role not in READERS:
        return 404 if api else 403
    return _object_rule(kind, role, target)


# Routes without an object: who gets them ("any": every signed-in user).
NO_OBJECT_KINDS = {"any": set(matrix.ROLES), "reader": READERS, "staff": SITE_STAFF}


def _object_rule(kind: str, role: str, target: str):
    if kind == "read":
        return "ok" if role in SEES[target] else 404
    if kind == "write":
        if role in WRITES[target]:
            return "ok"
        return 403 if role in SEES[target] else 404
    if kind == "record":
        return "ok" if role in RECORD[target] else 404
    raise ValueError(kind)


def _activity(kind):
    return lambda o: f"/outreach/{kind}s/{o[kind].pk}/"


ROUTES = {
    "outreach:calendar": ("reader", "get", lambda o: "/outreach/?month=2026-03"),
    "outreach:export": ("reader", "get", lambda o: "/outreach/export.xlsx?month=2026-03"),
    "outreach:session_new": ("staff", "get", lambda o: "/outreach/sessions/new/?held=1"),
    "outreach:fair_new": ("staff", "get", lambda o: "/outreach/fairs/new/"),
    "outreach:training_new": ("staff", "get", lambda o: "/outreach/trainings/new/"),
    "outreach:session": ("read", "get", _activity("session")),
    "outreach:session_counts": (
        "write",
        "get",
        lambda o: f"/outreach/sessions/{o['session'].pk}/counts/",
    ),
    "outreach:session_edit": (
        "write",
        "get",
        lambda o: f"/outreach/sessions/{o['session'].pk}/edit/",
    ),
    "outreach:session_attendee": (
        "write",
        "post",
        lambda o: f"/outreach/sessions/{o['session'].pk}/attendees/",
    ),
    "outreach:session_visit": (
        "write",
        "post",
        lambda o: f"/outreach/sessions/{o['session'].pk}/visits/",
    ),
    "outreach:fair": ("read", "get", _activity("fair")),
    "outreach:fair_counts": ("write", "get", lambda o: f"/outreach/fairs/{o['fair'].pk}/counts/"),
    "outreach:fair_edit": ("write", "get", lambda o: f"/outreach/fairs/{o['fair'].pk}/edit/"),
    "outreach:fair_stand": ("write", "get", lambda o: f"/outreach/fairs/{o['fair'].pk}/stands/"),
    "outreach:fair_visit": ("write", "post", lambda o: f"/outreach/fairs/{o['fair'].pk}/visits/"),
    "outreach:fair_outcome": (
        "write",
        "post",
        lambda o: f"/outreach/fairs/{o['fair'].pk}/outcomes/",
    ),
    "outreach:training": ("read", "get", _activity("training")),
    "outreach:training_held": (
        "write",
        "post",
        lambda o: f"/outreach/trainings/{o['training'].pk}/held/",
    ),
    "outreach:participant_add": (
        "write",
        "post",
        lambda o: f"/outreach/trainings/{o['training'].pk}/participants/",
    ),
    "outreach:participant_score": (
        "write",
        "post",
        lambda o: f"/outreach/participants/{o['participant'].pk}/",
    ),
    "outreach:agent": ("record", "get", lambda o: f"/outreach/agents/{o['agent'].pk}/"),
    "outreach:cancel": (
        "write",
        "post",
        lambda o: f"/outreach/session/{o['planned'].pk}/cancel/",
    ),
}

NO_OBJECT = {
    "outreach:calendar",
    "outreach:export",
    "outreach:session_new",
    "outreach:fair_new",
    "outreach:training_new",
}


def _site(o):
    return o["site"].code


def _counts(activity):
    return {
        "version": activity.version,
        "held_on": "2026-03-10",
        "attendance": [{"sex": "male", "age_band": "60+", "count": 9}],
    }


API_ROUTES = {
    "GET /api/v1/outreach/age-bands": ("any", lambda o: f"{API}/outreach/age-bands", None),
    "GET /api/v1/outreach/sessions": ("list", lambda o: f"{API}/outreach/sessions", None),
    "POST /api/v1/outreach/sessions": (
        "create",
        lambda o: f"{API}/outreach/sessions",
        lambda o: {
            "site": _site(o),
            "title": "Causerie",
            "planned_on": "2026-03-10",
            "held_on": "2026-03-10",
            "attendance": [{"sex": "female", "age_band": "15-24", "count": 4}],
        },
    ),
    "GET /api/v1/outreach/sessions/{session_id}": (
        "read",
        lambda o: f"{API}/outreach/sessions/{o['session'].pk}",
        None,
    ),
    "POST /api/v1/outreach/sessions/{session_id}/counts": (
        "write",
        lambda o: f"{API}/outreach/sessions/{o['session'].pk}/counts",
        lambda o: _counts(o["session"]),
    ),
    "POST /api/v1/outreach/fairs/{fair_id}/counts": (
        "write",
        lambda o: f"{API}/outreach/fairs/{o['fair'].pk}/counts",
        lambda o: _counts(o["fair"]),
    ),
    "GET /api/v1/outreach/fairs": ("list", lambda o: f"{API}/outreach/fairs", None),
    "POST /api/v1/outreach/fairs": (
        "create",
        lambda o: f"{API}/outreach/fairs",
        lambda o: {"site": _site(o), "title": "Foire", "planned_on": "2026-04-10"},
    ),
    "GET /api/v1/outreach/fairs/{fair_id}": (
        "read",
        lambda o: f"{API}/outreach/fairs/{o['fair'].pk}",
        None,
    ),
    "GET /api/v1/outreach/trainings": ("list", lambda o: f"{API}/outreach/trainings", None),
    "POST /api/v1/outreach/trainings": (
        "create",
        lambda o: f"{API}/outreach/trainings",
        lambda o: {
            "site": _site(o),
            "title": "Formation",
            "planned_on": "2026-04-10",
            "curriculum": "biosp-method",
        },
    ),
    "GET /api/v1/outreach/trainings/{training_id}": (
        "read",
        lambda o: f"{API}/outreach/trainings/{o['training'].pk}",
        None,
    ),
}

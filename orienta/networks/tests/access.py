"""The access matrix of the networks: every page and API route, for every role.

"in" objects belong to Chad (the GTPS of which Association Tchad Solidarité, cso_td's
organisation, is a member; a document, a support to that CSO, a published diagnostic), "out"
objects to Mozambique. `expect(kind, role, target)` says what each role gets: "ok" (200, 201,
302 elsewhere than the sign-in page, 409, 422), "login", 403 or 404.

- the resource centre: every account but a provider's, for its countries (cso_td: Chad's
  library, the support given to its own organisation);
- the GTPS: site staff, coordinators, M&E, administrators by country; cso_td the groups its
  organisation is a member of; a provider nothing;
- the diagnostics: site staff, coordinators, M&E, administrators by country; not cso_td nor a
  provider;
- writing: the country's coordinator, M&E and administrators; a reader who may not write gets
  a 403, a coordinator of the other country a 404 (a 422 when the record, or its country, is
  named in the body).

The API's routes are those of the GTPS (/networks/), the resource centre (/resources/) and the
diagnostics (/diagnostics/), with the same kinds as the pages.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from orienta.networks.tests.factories import csv_data, pdf
from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES

MANAGERS = {"coordinator_td", "coordinator_mz", "me_hq", "admin_user"}
STAFF = {"agent_td", "agent_td2", "manager_td", "agent_mz"}
NETWORK_READERS = STAFF | MANAGERS
GTPS_READERS = NETWORK_READERS | {"cso_td"}
LIBRARY_READERS = GTPS_READERS
EVERYWHERE = {"me_hq", "admin_user"}
COUNTRY = {
    "in": {"agent_td", "agent_td2", "manager_td", "coordinator_td"} | EVERYWHERE,
    "out": {"agent_mz", "coordinator_mz"} | EVERYWHERE,
}
# Who sees each kind of record of each scope.
SEES = {
    "library": {"in": COUNTRY["in"] | {"cso_td"}, "out": COUNTRY["out"]},
    "gtps": {"in": COUNTRY["in"] | {"cso_td"}, "out": COUNTRY["out"]},
    "diagnostics": COUNTRY,
}
WRITES = {"in": {"coordinator_td"} | EVERYWHERE, "out": {"coordinator_mz"} | EVERYWHERE}
READERS = {"library": LIBRARY_READERS, "gtps": GTPS_READERS, "diagnostics": NETWORK_READERS}

# Routes without an object: who gets them.
NO_OBJECT_KINDS = {
    "library": LIBRARY_READERS,
    "gtps_list": GTPS_READERS,
    "diagnostics_list": NETWORK_READERS,
    "manager": MANAGERS,
}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    if kind in NO_OBJECT_KINDS:
        return "ok" if role in NO_OBJECT_KINDS[kind] else 403
    area, _sep, act = kind.partition(":")
    if act == "create":  # the record is named in the body: another country's is a 422
        if role not in MANAGERS:
            return 403
        return "ok" if role in WRITES[target] else 422
    if role not in READERS[area]:
        return 403
    return _object_rule(area, act, role, target)


def _object_rule(area: str, act: str, role: str, target: str):
    if act == "read":
        return "ok" if role in SEES[area][target] else 404
    if act == "write":  # pages: a non-manager is refused before the record is looked up
        if role not in MANAGERS:
            return 403
        return "ok" if role in WRITES[target] else 404
    if act == "step":  # API: the record is looked up first
        if role not in SEES[area][target]:
            return 404
        return "ok" if role in WRITES[target] else 403
    raise ValueError(act)


def _pk(name, suffix=""):
    return lambda o: f"{o['prefix'][name]}{o[name].pk}/{suffix}"


ROUTES = {
    "networks:resources": ("library", "get", lambda o: "/resources/?q=guide&language=fr"),
    "networks:document_new": ("manager", "get", lambda o: "/resources/documents/new/"),
    "networks:resources_export": ("library", "get", lambda o: "/resources/export.xlsx"),
    "networks:support_new": ("manager", "get", lambda o: "/resources/support/new/"),
    "networks:document_edit": (
        "library:write",
        "get",
        lambda o: f"/resources/documents/{o['document'].pk}/edit/",
    ),
    # Removals are made on records of their own, so that the other routes still find theirs.
    "networks:document_remove": (
        "library:write",
        "post",
        lambda o: f"/resources/documents/{o['spare_document'].pk}/remove/",
    ),
    "networks:document_file": (
        "library:read",
        "get",
        lambda o: f"/resources/documents/{o['document'].pk}/file",
    ),
    "networks:support": ("library:read", "get", lambda o: f"/resources/support/{o['support'].pk}/"),
    "networks:participant_add": (
        "library:write",
        "post",
        lambda o: f"/resources/support/{o['support'].pk}/participants/",
    ),
    "networks:gtps": ("gtps_list", "get", lambda o: "/gtps/"),
    "networks:gtps_export": ("gtps_list", "get", lambda o: "/gtps/export.xlsx"),
    "networks:group_new": ("manager", "get", lambda o: "/gtps/new/"),
    "networks:group": ("gtps:read", "get", lambda o: f"/gtps/{o['group'].pk}/"),
    "networks:member_add": ("gtps:write", "post", lambda o: f"/gtps/{o['group'].pk}/members/"),
    "networks:group_edit": ("gtps:write", "get", lambda o: f"/gtps/{o['group'].pk}/edit/"),
    "networks:group_remove": (
        "gtps:write",
        "post",
        lambda o: f"/gtps/{o['spare_group'].pk}/remove/",
    ),
    "networks:member_edit": (
        "gtps:write",
        "get",
        lambda o: f"/gtps/members/{o['member'].pk}/edit/",
    ),
    "networks:member_remove": (
        "gtps:write",
        "post",
        lambda o: f"/gtps/members/{o['spare_member'].pk}/remove/",
    ),
    "networks:meeting_new": (
        "gtps:write",
        "get",
        lambda o: f"/gtps/{o['group'].pk}/meetings/new/",
    ),
    "networks:action_new": ("gtps:write", "get", lambda o: f"/gtps/{o['group'].pk}/actions/new/"),
    "networks:meeting": ("gtps:read", "get", lambda o: f"/gtps/meetings/{o['meeting'].pk}/"),
    "networks:meeting_record": (
        "gtps:write",
        "post",
        lambda o: f"/gtps/meetings/{o['meeting'].pk}/record/",
    ),
    "networks:action": ("gtps:read", "get", lambda o: f"/gtps/actions/{o['action'].pk}/"),
    "networks:action_update": (
        "gtps:write",
        "post",
        lambda o: f"/gtps/actions/{o['action'].pk}/update/",
    ),
    "networks:diagnostics": ("diagnostics_list", "get", lambda o: "/diagnostics/"),
    "networks:study_new": ("manager", "get", lambda o: "/diagnostics/new/"),
    "networks:study": ("diagnostics:read", "get", lambda o: f"/diagnostics/{o['study'].pk}/"),
    "networks:study_import": (
        "diagnostics:write",
        "post",
        lambda o: f"/diagnostics/{o['study'].pk}/import/",
    ),
    "networks:study_publish": (
        "diagnostics:write",
        "post",
        lambda o: f"/diagnostics/{o['study'].pk}/publish/",
    ),
    "networks:study_export": (
        "diagnostics:read",
        "get",
        lambda o: f"/diagnostics/{o['study'].pk}/tables.xlsx",
    ),
    "networks:study_report": (
        "diagnostics:read",
        "get",
        lambda o: f"/diagnostics/{o['study'].pk}/report/",
    ),
    "networks:study_report_file": (
        "diagnostics:read",
        "get",
        lambda o: f"/diagnostics/{o['study'].pk}/report.pdf",
    ),
}

NO_OBJECT = {name for name, (kind, _m, _b) in ROUTES.items() if kind in NO_OBJECT_KINDS}

API_ROUTES = {
    "GET /api/v1/networks/groups": ("gtps_list", lambda o: f"{API}/networks/groups", None),
    "POST /api/v1/networks/groups": (
        "gtps:create",
        lambda o: f"{API}/networks/groups",
        lambda o: {"country": o["country"].code, "name": "GTPS régional"},
    ),
    "GET /api/v1/networks/groups/{group_id}": (
        "gtps:read",
        lambda o: f"{API}/networks/groups/{o['group'].pk}",
        None,
    ),
    "PUT /api/v1/networks/groups/{group_id}": (
        "gtps:step",
        lambda o: f"{API}/networks/groups/{o['group'].pk}",
        lambda o: {"name": f"GTPS {o['country'].code}", "mandate": "Coordination"},
    ),
    # The removal is made on a group of its own, so that the other routes still find theirs.
    "DELETE /api/v1/networks/groups/{group_id}": (
        "gtps:step",
        lambda o: f"{API}/networks/groups/{o['spare_group'].pk}",
        None,
    ),
    "GET /api/v1/networks/members": (
        "gtps_list",
        lambda o: f"{API}/networks/members",
        None,
    ),
    "POST /api/v1/networks/members": (
        "gtps:create",
        lambda o: f"{API}/networks/members",
        lambda o: {"group": str(o["group"].pk), "name": "Fatimé Haroun", "sector": "public"},
    ),
    "GET /api/v1/networks/members/{member_id}": (
        "gtps:read",
        lambda o: f"{API}/networks/members/{o['member'].pk}",
        None,
    ),
    "DELETE /api/v1/networks/members/{member_id}": (
        "gtps:step",
        lambda o: f"{API}/networks/members/{o['spare_member'].pk}",
        None,
    ),
    "GET /api/v1/networks/meetings": ("gtps_list", lambda o: f"{API}/networks/meetings", None),
    "POST /api/v1/networks/meetings": (
        "gtps:create",
        lambda o: f"{API}/networks/meetings",
        lambda o: {"group": str(o["group"].pk), "on": "2026-04-02", "agenda": "Bilan"},
    ),
    "GET /api/v1/networks/meetings/{meeting_id}": (
        "gtps:read",
        lambda o: f"{API}/networks/meetings/{o['meeting'].pk}",
        None,
    ),
    "GET /api/v1/networks/actions": ("gtps_list", lambda o: f"{API}/networks/actions", None),
    "POST /api/v1/networks/actions": (
        "gtps:create",
        lambda o: f"{API}/networks/actions",
        lambda o: {"group": str(o["group"].pk), "title": "Atelier", "deadline": "2026-05-01"},
    ),
    "GET /api/v1/networks/actions/{action_id}": (
        "gtps:read",
        lambda o: f"{API}/networks/actions/{o['action'].pk}",
        None,
    ),
    "POST /api/v1/networks/actions/{action_id}/updates": (
        "gtps:step",
        lambda o: f"{API}/networks/actions/{o['action'].pk}/updates",
        lambda o: {"status": "in_progress", "on": "2026-03-11", "note": "Lancé"},
    ),
    # The resource centre
    "GET /api/v1/resources/documents": (
        "library",
        lambda o: f"{API}/resources/documents?theme=governance&language=fr",
        None,
    ),
    "POST /api/v1/resources/documents": (
        "library:create",
        lambda o: f"{API}/resources/documents",
        lambda o: {
            "country": o["country"].code,
            "title": "Modèle de budget",
            "kind": "template",
            "theme": "finance",
            "language": "fr",
            "file": pdf(),
        },
    ),
    "GET /api/v1/resources/documents/{document_id}": (
        "library:read",
        lambda o: f"{API}/resources/documents/{o['document'].pk}",
        None,
    ),
    "GET /api/v1/resources/documents/{document_id}/file": (
        "library:read",
        lambda o: f"{API}/resources/documents/{o['document'].pk}/file",
        None,
    ),
    "GET /api/v1/resources/support": ("library", lambda o: f"{API}/resources/support", None),
    "POST /api/v1/resources/support": (
        "library:create",
        lambda o: f"{API}/resources/support",
        lambda o: {
            "country": o["country"].code,
            "kind": "coaching",
            "topic": "Plan de trésorerie",
            "on": "2026-03-02",
            "organisations": [str(o["cso"].pk)],
        },
    ),
    "GET /api/v1/resources/support/{support_id}": (
        "library:read",
        lambda o: f"{API}/resources/support/{o['support'].pk}",
        None,
    ),
    "POST /api/v1/resources/support/{support_id}/participants": (
        "library:step",
        lambda o: f"{API}/resources/support/{o['support'].pk}/participants",
        lambda o: {
            "name": "Halimé Oumar",
            "sex": "female",
            "organisation": str(o["support"].organisations.first().pk),
        },
    ),
    # The diagnostics
    "GET /api/v1/diagnostics": ("diagnostics_list", lambda o: f"{API}/diagnostics", None),
    "POST /api/v1/diagnostics": (
        "diagnostics:create",
        lambda o: f"{API}/diagnostics",
        lambda o: {
            "country": o["country"].code,
            "title": "Diagnostic des ménages",
            "partners": [str(o["university"].pk)],
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-28",
        },
    ),
    "GET /api/v1/diagnostics/{study_id}": (
        "diagnostics:read",
        lambda o: f"{API}/diagnostics/{o['study'].pk}",
        None,
    ),
    "GET /api/v1/diagnostics/{study_id}/tables": (
        "diagnostics:read",
        lambda o: f"{API}/diagnostics/{o['study'].pk}/tables",
        None,
    ),
    # A draft of its own: the published diagnostic's data can no longer change (a 409).
    "POST /api/v1/diagnostics/{study_id}/import": (
        "diagnostics:step",
        lambda o: f"{API}/diagnostics/{o['draft_study'].pk}/import",
        lambda o: {"file": SimpleUploadedFile("data.csv", csv_data([o["area"].code]))},
    ),
}

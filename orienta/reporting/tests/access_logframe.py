"""Access matrix of the logframe, the results' downloads and the DHIS2 data value sets.

Objects: "in" is site TD-NDJ1 (Chad) with a value entered by hand for Chad; "out" is site
MZ-MPM1 (Mozambique) with a value entered for Mozambique. Routes name the site (`site=`), or
the country for DHIS2.

Kinds:
- "read" (the logframe, its values, the XLSX/CSV/PDF downloads): the site's manager, the
  country's coordinator, M&E; other managers and coordinators 404; agents, administrators,
  providers 403;
- "set" (a target's form): the country's coordinator and M&E; the other coordinator 404;
  everyone else 403;
- "correct" (a value entered by hand): as "set", for the value's country;
- "dhis2" (API): the country's coordinator and M&E; the other coordinator 404; others 403.
"""

API = "/api/v1/results/dhis2/dataValueSets"


def _q(o):
    return f"site={o['site'].code}"


ROUTES = {
    "logframe:tree": ("read", "get", lambda o: f"/results/logframe/?year=2026&{_q(o)}"),
    "logframe:target": (
        "set",
        "get",
        lambda o: f"/results/logframe/IND-SESSIONS/target/?year=2026&{_q(o)}",
    ),
    "logframe:values": (
        "read",
        "get",
        lambda o: f"/results/logframe/IND-SESSIONS/values/?year=2026&{_q(o)}",
    ),
    "logframe:correct": (
        "correct",
        "get",
        lambda o: f"/results/logframe/values/{o['value'].pk}/correct/",
    ),
    "logframe:export_xlsx": (
        "read",
        "get",
        lambda o: f"/results/export.xlsx?period=2026-Q1&{_q(o)}",
    ),
    "logframe:export_csv": ("read", "get", lambda o: f"/results/export.csv?period=2026-Q1&{_q(o)}"),
    "logframe:report_pdf": (
        "read",
        "get",
        lambda o: f"/results/report.pdf?period=2026-Q1&lang=pt&{_q(o)}",
    ),
}

API_ROUTES = {
    "GET /api/v1/results/dhis2/dataValueSets": (
        "dhis2",
        lambda o: f"{API}?period=202601&country={o['site'].country.code}",
        None,
    ),
}

# Downloads: an allowed call leaves an export entry in the access log.
EXPORTS = {"logframe:export_xlsx", "logframe:export_csv", "logframe:report_pdf"}

READERS = {"in": {"manager_td", "coordinator_td", "me_hq"}, "out": {"coordinator_mz", "me_hq"}}
SETTERS = {"in": {"coordinator_td", "me_hq"}, "out": {"coordinator_mz", "me_hq"}}
REFUSED = {"agent_td", "agent_td2", "agent_mz", "admin_user", "provider_user", "cso_td"}


def expect(kind: str, role: str, target: str, api: bool = False):
    """ "ok", "login" or the status a role gets on a route of this kind for the target."""
    if role == "anonymous":
        return "login"
    if role in REFUSED:
        return 403
    if kind == "read":
        return "ok" if role in READERS[target] else 404
    if role == "manager_td":
        return 403
    return "ok" if role in SETTERS[target] else 404

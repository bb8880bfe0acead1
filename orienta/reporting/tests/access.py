"""The results' part of the access matrix: every page and API route, by kind.

Targets: "in" is site TD-NDJ1 (Chad), "out" site MZ-MPM1 (Mozambique), each with a visit of
its person in March 2026. Kinds:
- "results": site managers (their site), coordinators (their country), M&E (all) — others of
  those roles 404 out of scope; agents, administrators and providers 403;
- "records": as "results", but M&E 403 (aggregates only);
- "list": the list of indicators, for the same roles as "results" (no scope).
"""

API = "/api/v1"
Q = "period=2026-03&country={country}&site={site}"


def _q(o):
    return Q.format(country=o["country"], site=o["site"])


ROUTES = {
    "reporting:dashboard": ("results", "get", lambda o: f"/results/?{_q(o)}"),
    "reporting:indicator": (
        "results",
        "get",
        lambda o: f"/results/indicators/PERSONS_WELCOMED/?{_q(o)}&by1=sex",
    ),
    "reporting:records": (
        "records",
        "get",
        lambda o: f"/results/indicators/PERSONS_WELCOMED/records/?{_q(o)}&sex=female",
    ),
}

API_ROUTES = {
    "GET /api/v1/results/indicators": ("list", lambda o: f"{API}/results/indicators", None),
    "GET /api/v1/results/values": (
        "results",
        lambda o: f"{API}/results/values?indicator=VISITS&{_q(o)}&by=sex",
        None,
    ),
}

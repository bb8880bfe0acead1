"""The access matrix of the integrations: every page, for every role.

"in" objects are of Chad (TD): a subscription, its delivery, a DHIS2 push; "out" objects of
Mozambique (MZ). `expect(kind, role, target)` says what each role gets: "ok" (200, 201, 302
elsewhere than the sign-in page, 409, 422), "login", 403 or 404.

- webhooks (subscriptions, their log, test-send, disable, the secret): administrators every
  country's, coordinators their country's (another's is a 404); everyone else 403 — M&E read
  aggregates, not the partners' configuration; site staff and providers have no part in it;
- DHIS2 (push, the summaries): M&E and administrators every country's, coordinators their
  country's; the instance's address and credentials: administrators and the coordinators (their
  country); everyone else 403;
- the API's delivery log (`GET /api/v1/webhooks/deliveries`): as the webhooks' pages — the
  list holds only the deliveries of the subscriptions in scope; anonymous callers get 401.
"""

from orienta.testing import access as matrix

ROLES = matrix.ROLES

MANAGERS = {"admin_user", "coordinator_td", "coordinator_mz"}
PUSHERS = MANAGERS | {"me_hq"}
# Who reaches the objects of each scope.
COUNTRY_OF = {"in": "coordinator_td", "out": "coordinator_mz"}


def expect(kind: str, role: str, target: str, api: bool = False):
    if role == "anonymous":
        return "login"
    allowed = {
        "manage_list": MANAGERS,
        "manage": MANAGERS,
        "dhis2_list": PUSHERS,
        "push": PUSHERS,
        "configure": MANAGERS,
    }[kind]
    if role not in allowed:
        return 403
    if kind.endswith("_list") or role in ("admin_user", "me_hq"):
        return "ok"
    return "ok" if COUNTRY_OF[target] == role else 404


def _sub(path=""):
    return lambda o: f"/webhooks/{o['subscription'].pk}/{path}"


ROUTES = {
    "webhooks:index": ("manage_list", "get", lambda o: "/webhooks/"),
    "webhooks:new": ("manage_list", "get", lambda o: "/webhooks/new/"),
    "webhooks:subscription": ("manage", "get", _sub()),
    "webhooks:edit": ("manage", "get", _sub("edit/")),
    "webhooks:disable": ("manage", "post", _sub("disable/")),
    "webhooks:enable": ("manage", "post", _sub("enable/")),
    "webhooks:test": ("manage", "post", _sub("test/")),
    "webhooks:secret": ("manage", "post", _sub("secret/")),
    "webhooks:dhis2": ("dhis2_list", "get", lambda o: "/webhooks/dhis2/"),
    "webhooks:dhis2_push": ("dhis2_list", "post", lambda o: "/webhooks/dhis2/push/"),
    "webhooks:dhis2_push_detail": (
        "push",
        "get",
        lambda o: f"/webhooks/dhis2/pushes/{o['push'].pk}/",
    ),
    "webhooks:dhis2_connection": (
        "configure",
        "get",
        lambda o: f"/webhooks/dhis2/{o['country'].code}/connection/",
    ),
}

NO_OBJECT = {"webhooks:index", "webhooks:new", "webhooks:dhis2", "webhooks:dhis2_push"}

API_ROUTES = {
    "GET /api/v1/webhooks/deliveries": ("manage_list", lambda o: "/api/v1/webhooks/deliveries"),
}

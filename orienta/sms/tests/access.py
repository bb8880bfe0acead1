"""The access matrix of the SMS app: the log page and the gateway's callbacks, for every role.

"in" messages belong to site TD-NDJ1 (Chad), "out" messages to MZ-MPM1 (Mozambique).

- the log (`/sms/`): site managers their sites' messages, coordinators their country's, M&E and
  administrators every country's with the numbers masked and no text; agents and providers
  nothing (403);
- the gateway's callbacks: only with the gateway's shared secret; a user's token is not it, so
  every caller without the secret gets 401, whatever their role.
"""

from orienta.testing import access as matrix

API = "/api/v1"
ROLES = matrix.ROLES

READERS = {"manager_td", "coordinator_td", "coordinator_mz", "me_hq", "admin_user"}
# Who sees each scope's messages in the log, and who reads their numbers and text.
SEES = {
    "in": {"manager_td", "coordinator_td", "me_hq", "admin_user"},
    "out": {"coordinator_mz", "me_hq", "admin_user"},
}
READS_TEXT = {"manager_td", "coordinator_td", "coordinator_mz"}


def expect(kind: str, role: str, target: str, api: bool = False):
    if kind == "gateway":
        return 401
    if role == "anonymous":
        return "login"
    if kind == "reader":
        return "ok" if role in READERS else 403
    raise ValueError(kind)


ROUTES = {"sms:log": ("reader", "get", lambda o: "/sms/")}
NO_OBJECT = {"sms:log"}

API_ROUTES = {
    "POST /api/v1/sms/inbound": (
        "gateway",
        lambda o: f"{API}/sms/inbound",
        lambda o: {"from": o["provider_phone"], "text": f"{o['referral'].code} SERVI"},
    ),
    "POST /api/v1/sms/status": (
        "gateway",
        lambda o: f"{API}/sms/status",
        lambda o: {"id": o["message"].external_id, "status": "delivered"},
    ),
}

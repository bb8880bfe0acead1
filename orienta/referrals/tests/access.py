"""The referrals app's part of the access matrix: every page and API route, by kind.

The objects of a target ("in": site TD-NDJ1 in Chad, to a service of the Chad provider
organisation; "out": site MZ-MPM1 in Mozambique, to a Mozambican service) are built by
`test_access.py`: a person, a referral, its provider link's token. What each kind allows, role
by role, is in `expect()` there.
"""

API = "/api/v1"

# name -> (kind, method, path builder taking the objects of the target)
ROUTES = {
    "referrals:list": ("read_list", "get", lambda o: "/referrals/"),
    "referrals:new": ("send", "get", lambda o: f"/referrals/new/?person={o['person'].pk}"),
    "referrals:metrics": ("metrics", "get", lambda o: "/referrals/metrics/"),
    "referrals:detail": ("read", "get", lambda o: f"/referrals/{o['referral'].pk}/"),
    "referrals:answer": ("record", "post", lambda o: f"/referrals/{o['referral'].pk}/answer/"),
    "referrals:slip": ("record", "get", lambda o: f"/referrals/{o['referral'].pk}/slip.pdf"),
    "referrals:link_revoke": (
        "record",
        "post",
        lambda o: f"/referrals/{o['referral'].pk}/link/revoke/",
    ),
    "referrals:confirm": ("link", "get", lambda o: f"/r/{o['token']}/"),
    "referrals:provider_list": ("provider_list", "get", lambda o: "/provider/referrals/"),
    "referrals:provider_detail": (
        "provider",
        "get",
        lambda o: f"/provider/referrals/{o['referral'].pk}/",
    ),
}


def _ref(o, tail=""):
    return f"{API}/referrals/{o['referral'].pk}{tail}"


# "METHOD /path" -> (kind, path builder, JSON body builder or None)
API_ROUTES = {
    "GET /api/v1/referrals": ("list", lambda o: f"{API}/referrals", None),
    "POST /api/v1/referrals": (
        "send",
        lambda o: f"{API}/referrals",
        lambda o: {
            "person": str(o["person"].pk),
            "service": str(o["referral"].service_id),
            "reason": "Needs a birth certificate",
        },
    ),
    "GET /api/v1/referrals/{referral_id}": ("read", _ref, None),
    "POST /api/v1/referrals/{referral_id}/accept": (
        "answer",
        lambda o: _ref(o, "/accept"),
        lambda o: {},
    ),
    "POST /api/v1/referrals/{referral_id}/decline": (
        "answer",
        lambda o: _ref(o, "/decline"),
        lambda o: {"note": "Full"},
    ),
    "POST /api/v1/referrals/{referral_id}/serve": (
        "answer",
        lambda o: _ref(o, "/serve"),
        lambda o: {},
    ),
    "POST /api/v1/referrals/{referral_id}/not-served": (
        "answer",
        lambda o: _ref(o, "/not-served"),
        lambda o: {},
    ),
    "POST /api/v1/referrals/{referral_id}/cancel": (
        "record",
        lambda o: _ref(o, "/cancel"),
        lambda o: {},
    ),
    "GET /api/v1/referrals/{referral_id}/slip.pdf": (
        "record",
        lambda o: _ref(o, "/slip.pdf"),
        None,
    ),
}

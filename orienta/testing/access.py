"""The runner of the access matrix: every route of a table, for one role, in and out of scope.

Each app keeps its own table (`orienta/<app>/tests/access.py`, or core's
`test_access_matrix.py`): which routes, of which kind, and what each role gets. This module runs
a table: it signs the role in (again before each page: a route may end the session), calls the
route on the objects of the target scope, and hands the response to the app's check; failures
are collected and listed together, one line per route and target.

Tables:
- pages: `{url name: (kind, method, path builder)}`; a builder takes the target's objects;
- API: `{"METHOD /path": (kind, path builder[, body])}`; the body is None, a dict, or a builder
  (sent as JSON, or as multipart/form-data when a value is a file).
"""

from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings

from orienta.audit.models import AccessLogEntry
from orienta.conftest import force_login_verified
from orienta.core.services import api_token_issue
from orienta.testing.html import repeated_ids

# Every role of the shared fixtures (orienta/conftest.py), and the caller without one.
ROLES = [
    "anonymous",
    "agent_td",
    "agent_td2",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
    "me_hq",
    "admin_user",
    "provider_user",
    "cso_td",
]
# "in" objects belong to site TD-NDJ1 (Chad), "out" objects to MZ-MPM1 (Mozambique).
TARGETS = ("in", "out")
# What "ok" means: allowed (a 302 elsewhere than the sign-in page; a 409 or 422 is the
# operation's own answer to the request, past the access check).
OK = (200, 201, 302, 409, 422)

Check = Callable[[str, str, object, int], None]


def last_seq() -> int:
    """The position of the access log's last entry (0 if empty)."""
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def logged_since(before: int):
    """The access-log entries written since `before`."""
    return AccessLogEntry.objects.filter(seq__gt=before)


def logged(role: str, before: int):
    """The access-log entries of the role's user since `before`."""
    return logged_since(before).filter(username=role)


def check_refusal_logged(response, role: str, before: int, *, statuses=(403, 404)) -> None:
    """A signed-in role's refusal (a status among `statuses`) left a `refused` entry with that
    status in the access log (written by the audit middleware: every 403, every OutOfScope)."""
    if role == "anonymous" or response.status_code not in statuses:
        return
    refused = logged(role, before).filter(action="refused", status=response.status_code)
    assert refused.exists(), "the refusal is not in the access log"


def check_status(response, expected, *, api=False, ok=OK, sign_in="/login/") -> None:
    """`expected` is "ok", "login" (the sign-in page with ?next=, or 401 from the API) or a
    status; an allowed 302 must not lead to `sign_in`."""
    status = response.status_code
    if expected == "ok":
        assert status in ok, status
        if status == 302:
            assert sign_in not in response["Location"], response["Location"]
    elif expected == "login":
        if api:
            assert status == 401, status
        else:
            assert status == 302 and "/login/?next=" in response["Location"], status
    else:
        assert status == expected, f"{status} instead of {expected}"


def assert_all(checks: Iterable[tuple[str, Callable[[], None]]]) -> None:
    """Run every check; fail with the list of those that failed, one per line."""
    failures = []
    for label, check in checks:
        try:
            check()
        except AssertionError as exc:
            failures.append(f"{label}: {exc}")
    assert not failures, "\n".join(failures)


def _session_state(client) -> tuple[str, dict] | None:
    """The client's session: its key and what it holds (None without a session cookie)."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return None
    return cookie.value, dict(client.session.items())


def sign_in(client, users, role: str) -> None:
    """Sign the role in, as after entering its password and code; unless the client is still in
    the very session its last sign-in as that role left (same key, same content): a route that
    ended the session or wrote to it (a sign-out, a language, a grant) gets a new one."""
    if role == "anonymous":
        return
    kept = getattr(client, "_matrix_signed_in", None)
    if kept is not None and kept[0] == role and kept[1] == _session_state(client):
        return
    force_login_verified(client, users[role])
    client._matrix_signed_in = (role, _session_state(client))


def api_headers(users, role: str) -> dict[str, str]:
    """The role's bearer token (none for anonymous callers)."""
    if role == "anonymous":
        return {}
    token, _row = api_token_issue(user=users[role])
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def check_pages(client, users, role, scope, routes, check: Check, *, no_object=()) -> None:
    """Every page route × target (once for the routes in `no_object`), signed in as `role`:
    `check(name, target, response, before)`, `before` being the access log's last position
    before the request; and no page repeats an `id` (`orienta.testing.html`)."""

    def run(name: str, target: str) -> None:
        _kind, method, build = routes[name]
        sign_in(client, users, role)
        before = last_seq()
        response = getattr(client, method)(build(scope[target]))
        check(name, target, response, before)
        repeated = repeated_ids(response)
        assert not repeated, f"the page repeats the ids {', '.join(repeated)}"

    assert_all(
        (f"{name} [{target}]", partial(run, name, target))
        for name in sorted(routes)
        for target in TARGETS
        if not (target == "out" and name in no_object)
    )


def check_api(client, users, role, scope, routes, check: Check) -> None:
    """Every API route × target with the role's token: `check(route, target, response, before)`."""
    headers = api_headers(users, role)

    def run(route: str, target: str) -> None:
        _kind, build, *rest = routes[route]
        body = rest[0] if rest else None
        objs = scope[target]
        data = body(objs) if callable(body) else body
        kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
        if data is not None and any(hasattr(value, "read") for value in data.values()):
            kwargs = {"data": data}  # a file in the body: sent as multipart/form-data
        before = last_seq()
        method = route.split()[0].lower()
        response = getattr(client, method)(build(objs), **kwargs, **headers)
        check(route, target, response, before)

    assert_all(
        (f"{route} [{target}]", partial(run, route, target))
        for route in sorted(routes)
        for target in TARGETS
    )

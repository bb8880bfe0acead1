"""Re-authentication before sensitive actions: "confirm it is you" within the last minutes.

Use `require_recent_auth` on a view that does something a stolen or unattended session must not
be able to do — changing the password, enrolling a two-factor device, exporting personal data::

    from orienta.accounts.reauth import require_recent_auth

    @require_recent_auth()             # the last 5 minutes
    def person_export(request): ...

    @require_recent_auth(minutes=15)   # a longer window for a multi-step flow
    def bulk_export(request): ...

A signed-in user who has not proved who they are in the last `minutes` is redirected to
`/account/reauth/?next=<this page>`, asked for their password (and a code from their
authenticator app if they have two-factor), and sent back; an anonymous user goes to the
sign-in page, as with `login_required`. Signing in and the two-factor code count as proof
(`mark_recent_auth`), so an action right after sign-in asks nothing more.

The redirect is a GET: a form posted after the window closed is shown again, not submitted —
put the decorator on the view that shows the form as well as on the one that acts. Wrong
passwords and codes on the re-authentication page count towards the sign-in lockout.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse

REAUTH_SESSION_KEY = "orienta_reauth_at"


def mark_recent_auth(request) -> None:
    """Record that the user proved who they are now (password, and code if they have one)."""
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def auth_is_recent(request, minutes: int = 5) -> bool:
    at = request.session.get(REAUTH_SESSION_KEY)
    return at is not None and time.time() - at <= minutes * 60


def require_recent_auth(view=None, *, minutes: int = 5):
    """Decorator: the user must have re-authenticated in the last `minutes` (see the module)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if auth_is_recent(request, minutes):
                return view_func(request, *args, **kwargs)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauth')}?{query}")

        return login_required(wrapped)

    if view is not None:  # used bare: @require_recent_auth
        return decorator(view)
    return decorator

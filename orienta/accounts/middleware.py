"""The sign-in gates every request passes: session limits, then two-factor authentication."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from orienta.accounts.sessions import session_check
from orienta.accounts.twofactor import pending_step


class SessionLimitsMiddleware:
    """End a signed-in session after 30 minutes without a request, and 12 hours after sign-in.

    Only that session ends (the user's other devices keep theirs); the sign-in page then says
    why. See `orienta/accounts/sessions.py` for the clocks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_check(request)
        return self.get_response(request)


def concrete_user(user):
    """The user object behind Django's lazy `request.user` (django-otp wraps the auth
    middleware's lazy object in another), read now: a page then reads the user's role and
    sites a few hundred times without going through the proxies' `__getattr__` each time."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class TwoFactorMiddleware:
    """Until a signed-in user has entered a code, every page sends them to enter one.

    Users with a device go to /account/2fa/verify/; users whose role requires two-factor and
    who have no device yet go to /account/2fa/setup/. Open meanwhile: those pages,
    re-authentication, logging out, the language switch, health check, robots.txt, static
    files and the API (which checks codes itself, at token issue). The admin is not open: staff
    need a verified session there too.
    """

    OPEN_ROUTES = (
        "accounts:2fa_setup",
        "accounts:2fa_verify",
        "accounts:reauth",
        "accounts:logout",
        "core:set_language",
        "core:healthz",
        "core:robots",
        "admin:logout",
    )
    STEPS = {"verify": "accounts:2fa_verify", "setup": "accounts:2fa_setup"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_ROUTES)
        return self._open_paths

    def __call__(self, request):
        step = pending_step(request)
        request.user = concrete_user(request.user)
        if step and not self._is_open(request.path):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(self.STEPS[step])}?{query}")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        return (
            path in self.open_paths()
            or path.startswith(settings.STATIC_URL)
            or path.startswith("/api/")
        )

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from orienta.accounts.sessions import session_check
from orienta.accounts.twofactor import pending_step


class UserLocaleMiddleware:
    """Activate the signed-in user's language (their own, else their site's) and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language()
            translation.activate(language)
            request.LANGUAGE_CODE = language
            timezone.activate(zoneinfo.ZoneInfo(user_timezone(user)))
        response = self.get_response(request)
        timezone.deactivate()
        return response


def user_timezone(user) -> str:
    site = user.primary_site()
    if site:
        return site.timezone
    if user.country_id:
        return user.country.timezone
    return "UTC"


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


class TwoFactorMiddleware:
    """Until a signed-in user has entered a code, every page sends them to enter one.

    Users with a device go to /account/2fa/verify/; users whose role requires two-factor and
    who have no device yet go to /account/2fa/setup/. Open meanwhile: those pages,
    re-authentication, logging out, the language switch, health check, robots.txt, static
    files and the API (which checks codes itself, at token issue). The admin is not open: staff
    need a verified session there too.
    """

    OPEN_ROUTES = (
        "core:account_2fa_setup",
        "core:account_2fa_verify",
        "core:account_reauth",
        "core:logout",
        "core:set_language",
        "core:healthz",
        "core:robots",
        "admin:logout",
    )
    STEPS = {"verify": "core:account_2fa_verify", "setup": "core:account_2fa_setup"}

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_ROUTES)
        return self._open_paths

    def __call__(self, request):
        step = pending_step(request)
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


class NoStoreMiddleware:
    """`Cache-Control: no-store` on everything Django answers: pages, fragments, the API.

    Pages hold personal data, and a shared laptop's browser cache or a proxy must not keep them.
    Static files are answered by WhiteNoise before this middleware, and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        return response

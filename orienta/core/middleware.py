"""Middleware of core: the signed-in user's language and time zone, and no caching of answers.

The middleware of signing in (session limits, two-factor) is the accounts app's.
"""

import zoneinfo

from django.utils import timezone, translation
from django.utils.cache import patch_cache_control


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

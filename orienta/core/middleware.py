import zoneinfo

from django.utils import timezone, translation


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

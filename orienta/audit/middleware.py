"""Refusals: every 403, and every 404 on an address of personal data, of a signed-in user.

Access helpers answer 404 for what is out of scope, and role checks 403, in pages and API
alike; hearing the answer here logs all of them, whichever helper refused, without passing the
request down to the helpers.
"""

from orienta.audit.services import access_log_refused

PERSONAL_PATHS = (
    "/people/",
    "/visits/",
    "/day/",
    "/exports/",
    "/api/v1/persons",
    "/api/v1/visits",
)


class RefusedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _refused(request, response.status_code):
            access_log_refused(request, status=response.status_code)
        return response


def _refused(request, status: int) -> bool:
    if status not in (403, 404):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False  # pages send strangers to the sign-in page, the API answers 401
    return status == 403 or request.path.startswith(PERSONAL_PATHS)

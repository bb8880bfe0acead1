"""Refusals: every 403, every 404 of an access helper (`lib.errors.OutOfScope`, from pages and
the API alike), and every 404 on an address of personal data, of a signed-in user — one entry
each, written here and nowhere else.

Access helpers answer 404 for what is out of scope, and role checks 403, in pages and API
alike; hearing the answer here logs all of them, whichever helper refused, without passing the
request down to the helpers. A page's OutOfScope is seen by `process_exception`; the API's
exception handler notes its own on the request (`lib.errors.note_out_of_scope`).
"""

from orienta.audit.services import access_log_refused
from orienta.lib.errors import OutOfScope, note_out_of_scope, out_of_scope_of

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
        refusal = out_of_scope_of(request)
        if _refused(request, response.status_code, refusal):
            access_log_refused(request, status=response.status_code, refusal=refusal)
        return response

    def process_exception(self, request, exception):
        note_out_of_scope(request, exception)
        return None  # Django answers the 404 as usual


def _refused(request, status: int, refusal: OutOfScope | None) -> bool:
    if status not in (403, 404):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False  # pages send strangers to the sign-in page, the API answers 401
    return status == 403 or refusal is not None or request.path.startswith(PERSONAL_PATHS)

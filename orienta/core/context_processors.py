from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from orienta.core import page_panels as panels
from orienta.core.access import Access, can_merge, can_read_persons, can_record
from orienta.core.types import AnyUser

# The request attribute that keeps `orienta`'s answer for the rest of the request.
MEMO = "_orienta_context"


def orienta(request: HttpRequest) -> dict[str, Any]:
    """What every page's menu and footer need. A page renders its panels' templates with the
    request too, each running the context processors again: the answer is worked out once a
    request, for the same user in the same language."""
    user: AnyUser | None = getattr(request, "user", None)
    key = (user, get_language())
    memo = getattr(request, MEMO, None)
    if memo is not None and memo[0][0] is key[0] and memo[0][1] == key[1]:
        return memo[1]
    signed_in = bool(user and user.is_authenticated)
    context = {
        "languages": settings.LANGUAGES,
        "can_record": signed_in and can_record(user),
        "can_merge": signed_in and can_merge(user),
        "reads_people": can_read_persons(user),
        "is_admin": signed_in and bool(user and user.is_staff),
        "demo": settings.DEMO,
        "app_links": panels.nav_links(request) if signed_in else [],
    }
    setattr(request, MEMO, (key, context))
    return context


def access(request: HttpRequest) -> dict[str, Access]:
    """The request user's role predicates (`orienta.core.access`) for the templates:
    `{% if access.approves_payments %}`."""
    return {"access": Access(getattr(request, "user", None))}

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from orienta.core import page_panels as panels
from orienta.core.access import Access, can_merge, can_read_persons, can_record
from orienta.core.types import AnyUser


def orienta(request: HttpRequest) -> dict[str, Any]:
    user: AnyUser | None = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "languages": settings.LANGUAGES,
        "can_record": signed_in and can_record(user),
        "can_merge": signed_in and can_merge(user),
        "reads_people": can_read_persons(user),
        "is_admin": signed_in and bool(user and user.is_staff),
        "demo": settings.DEMO,
        "app_links": panels.nav_links(request) if signed_in else [],
    }


def access(request: HttpRequest) -> dict[str, Access]:
    """The request user's role predicates (`orienta.core.access`) for the templates:
    `{% if access.approves_payments %}`."""
    return {"access": Access(getattr(request, "user", None))}

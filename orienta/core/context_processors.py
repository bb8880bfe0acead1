from typing import Any

from django.conf import settings
from django.http import HttpRequest

from orienta.core import page_panels as panels
from orienta.core.models import User
from orienta.core.scoping import PERSONAL_DATA_ROLES, can_merge, can_record
from orienta.core.types import AnyUser


def orienta(request: HttpRequest) -> dict[str, Any]:
    user: AnyUser | None = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "languages": settings.LANGUAGES,
        "can_record": signed_in and can_record(user),
        "can_merge": signed_in and can_merge(user),
        "reads_people": isinstance(user, User) and user.role in PERSONAL_DATA_ROLES,
        "is_admin": signed_in and bool(user and user.is_staff),
        "demo": settings.DEMO,
        "app_links": panels.nav_links(request) if signed_in else [],
    }

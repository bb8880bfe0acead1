from django.db.models import QuerySet

from orienta.core.models import Site
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope


def site_for(user: AnyUser, code: str) -> Site:
    site = (
        Site.objects.visible_to(user)
        .filter(code=code)
        .select_related("country", "area", "organisation")
        .first()
    )
    if site is None:
        raise OutOfScope("site")
    return site


def site_list(user: AnyUser) -> QuerySet[Site]:
    return (
        Site.objects.visible_to(user)
        .select_related("country", "area", "organisation")
        .order_by("country__code", "code")
    )

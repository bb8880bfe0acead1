from django.db.models import QuerySet
from django.http import Http404

from orienta.core.models import Site
from orienta.core.types import AnyUser


def site_for(user: AnyUser, code: str) -> Site:
    site = (
        Site.objects.visible_to(user)
        .filter(code=code)
        .select_related("country", "area", "organisation")
        .first()
    )
    if site is None:
        raise Http404
    return site


def site_list(user: AnyUser) -> QuerySet[Site]:
    return (
        Site.objects.visible_to(user)
        .select_related("country", "area", "organisation")
        .order_by("country__code", "code")
    )

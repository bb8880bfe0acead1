from django.http import Http404

from orienta.core.models import Site


def site_for(user, code: str) -> Site:
    site = (
        Site.objects.visible_to(user)
        .filter(code=code)
        .select_related("country", "area", "organisation")
        .first()
    )
    if site is None:
        raise Http404
    return site


def site_list(user):
    return (
        Site.objects.visible_to(user)
        .select_related("country", "area", "organisation")
        .order_by("country__code", "code")
    )

"""Sections the directory adds to other pages: a site's permanences, the menu entry."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import is_active_user, is_provider
from orienta.directory.models import Service
from orienta.directory.queries import site_permanences
from orienta.directory.services import can_edit

# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 40


def site_panel(request, site):
    user = request.user
    if not is_active_user(user) or is_provider(user):
        return None
    context = {"site": site, "permanences": site_permanences(site)}
    return render_to_string("directory/_site_panel.html", context, request=request)


def worklist_panel(request, sites):
    """For those who keep the directory: how many entries of their country need checking."""
    user = request.user
    if not can_edit(user):
        return None
    countries = {site.country_id for site in sites}
    stale = (
        Service.objects.visible_to(user)
        .filter(organisation__country_id__in=countries)
        .exclude(status=Service.Status.DEFUNCT)
        .stale()
        .count()
    )
    if not stale:
        return None
    return render_to_string("directory/_worklist_panel.html", {"stale": stale}, request=request)


def nav_links(request):
    if not request.user.is_authenticated:
        return []
    return [(reverse("directory:search"), _("Directory"))]

"""The networks' part in other pages: the menu entries."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import reads_networks, reads_resource_centre
from orienta.networks.queries import reads_gtps

# After community work (80) in the menu.
ORDER = 85


def nav_links(request: HttpRequest) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    links = []
    if reads_resource_centre(user):
        links.append((reverse("networks:resources"), _("Resource centre")))
    if reads_gtps(user):
        links.append((reverse("networks:gtps"), _("Working groups (GTPS)")))
    if reads_networks(user):
        links.append((reverse("networks:diagnostics"), _("Diagnostics")))
    return links

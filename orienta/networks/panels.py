"""The networks' part in other pages: the menu entries.

Every reader gets the resource centre; those who manage the networks (coordinators, M&E,
administrators) also get the GTPS and the diagnostics, and a CSO's staff the GTPS. Site staff,
who read the GTPS and diagnostics of their country now and then, reach them from the resource
centre's page, which keeps their menu short on a phone.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import is_cso_staff, manages_networks, reads_resource_centre

# After community work (80) in the menu.
ORDER = 85


def nav_links(request: HttpRequest) -> list[tuple[str, str]]:
    user = getattr(request, "user", None)
    links = []
    if reads_resource_centre(user):
        links.append((reverse("networks:resources"), _("Resource centre")))
    if manages_networks(user) or is_cso_staff(user):
        links.append((reverse("networks:gtps"), _("Working groups (GTPS)")))
    if manages_networks(user):
        links.append((reverse("networks:diagnostics"), _("Diagnostics")))
    return links

"""What partners adds to other pages: the menu entry."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.partners.access import reads_partners

# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 85


def nav_links(request):
    if not reads_partners(request.user):
        return []
    return [(reverse("partners:list"), _("Partner CSOs"))]

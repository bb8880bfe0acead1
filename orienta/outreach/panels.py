"""Community work's part in other pages: the menu entry."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.outreach.queries import reads_outreach

# Sections and menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 80


def nav_links(request):
    if not reads_outreach(request.user):
        return []
    return [(reverse("outreach:calendar"), _("Community work"))]

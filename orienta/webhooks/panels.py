"""The integrations' part in other pages: the menu entry."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import manages_webhooks, pushes_dhis2

# Menu entries after those of the apps with a smaller ORDER (core.page_panels).
ORDER = 95


def nav_links(request):
    if manages_webhooks(request.user):
        return [(reverse("webhooks:index"), _("Integrations"))]
    if pushes_dhis2(request.user):
        return [(reverse("webhooks:dhis2"), _("DHIS2"))]
    return []

"""The imports' part in other pages: the menu entry."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import reads_import_log

ORDER = 90


def nav_links(request):
    if not reads_import_log(request.user):
        return []
    return [(reverse("imports:index"), _("Imports"))]

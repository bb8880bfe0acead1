"""The SMS app's part in other pages: the menu entry."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.core.access import reads_sms_log

# After the results' entry (core.page_panels).
ORDER = 95


def nav_links(request):
    if not reads_sms_log(request.user):
        return []
    return [(reverse("sms:log"), _("SMS"))]

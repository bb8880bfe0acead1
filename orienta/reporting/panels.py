"""The reporting app's part in the pages: the Results link of the menu."""

from django.urls import reverse
from django.utils.translation import gettext as _

from orienta.reporting.access import may_see_results


def nav_links(request):
    if not may_see_results(request.user):
        return []
    return [(reverse("reporting:dashboard"), _("Results"))]

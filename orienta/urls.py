from django.contrib import admin
from django.urls import include, path, re_path

from orienta.api.v1 import api
from orienta.lib.api import errors

urlpatterns = [
    # The API first: Django tries the patterns in order, and every page's pattern lies under
    # "" — the API's calls no longer try the two hundred of the pages before their own.
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", errors.unknown_path, name="api_unknown"),
    path("", include("orienta.core.urls")),
    path("", include("orienta.accounts.urls")),
    path("", include("orienta.people.urls")),
    path("", include("orienta.frontdesk.urls")),
    path("", include("orienta.audit.urls")),
    path("", include("orienta.directory.urls")),
    path("", include("orienta.cases.urls")),
    path("", include("orienta.referrals.urls")),
    path("", include("orienta.fund.urls")),
    path("", include("orienta.families.urls")),
    path("", include("orienta.outreach.urls")),
    path("", include("orienta.partners.urls")),
    path("", include("orienta.networks.urls")),
    path("", include("orienta.reporting.urls")),
    path("", include("orienta.reporting.logframe_urls")),
    path("", include("orienta.webhooks.urls")),
    path("", include("orienta.sync.urls")),
    path("", include("orienta.imports.urls")),
    path("", include("orienta.sms.urls")),
    path("admin/", admin.site.urls),
]

# The error pages in the site's look and the user's language (JSON under /api/).
handler403 = "orienta.core.errors.permission_denied"
handler404 = "orienta.core.errors.page_not_found"
handler500 = "orienta.core.errors.server_error"

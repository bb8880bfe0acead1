from django.contrib import admin
from django.urls import include, path, re_path

from orienta.api.v1 import api
from orienta.lib.api import errors

urlpatterns = [
    path("", include("orienta.core.urls")),
    path("", include("orienta.accounts.urls")),
    path("", include("orienta.people.urls")),
    path("", include("orienta.frontdesk.urls")),
    path("", include("orienta.audit.urls")),
    path("", include("orienta.directory.urls")),
    path("", include("orienta.cases.urls")),
    path("", include("orienta.referrals.urls")),
    path("", include("orienta.fund.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", errors.unknown_path, name="api_unknown"),
    path("admin/", admin.site.urls),
]

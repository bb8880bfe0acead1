"""The site's URLconf with two addresses that fail, for the tests of the 500 page."""

from django.urls import path

from orienta import urls


def boom(request):
    raise RuntimeError("boom")


handler403, handler404, handler500 = urls.handler403, urls.handler404, urls.handler500
urlpatterns = [path("boom/", boom), path("api/boom/", boom), *urls.urlpatterns]

from django.urls import path

from orienta.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
    path("language/", views.set_language, name="set_language"),
    path("sites/", views.sites, name="sites"),
    path("sites/<str:code>/", views.site_detail, name="site"),
]

from django.urls import path

from orienta.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/<uuid:pk>/", views.detail, name="detail"),
    path("imports/<uuid:pk>/map/", views.mapping, name="map"),
    path("imports/<uuid:pk>/check/", views.check, name="check"),
    path("imports/<uuid:pk>/import/", views.execute, name="execute"),
]

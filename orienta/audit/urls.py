from django.urls import path

from orienta.audit import views

app_name = "audit"
urlpatterns = [
    path("exports/<uuid:pk>/", views.export, name="export"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
]

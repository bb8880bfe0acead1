from django.urls import path

from orienta.audit import views

app_name = "audit"
urlpatterns = [
    path("people/<uuid:pk>/access-log/", views.person_log, name="person_log"),
    path("people/<uuid:pk>/access-log/account/", views.person_account, name="person_account"),
    path("exports/<uuid:pk>/", views.export, name="export"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
]

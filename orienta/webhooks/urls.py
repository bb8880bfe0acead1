from django.urls import path

from orienta.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.index, name="index"),
    path("webhooks/new/", views.new, name="new"),
    path("webhooks/<uuid:pk>/", views.subscription, name="subscription"),
    path("webhooks/<uuid:pk>/edit/", views.edit, name="edit"),
    path("webhooks/<uuid:pk>/disable/", views.disable, name="disable"),
    path("webhooks/<uuid:pk>/enable/", views.enable, name="enable"),
    path("webhooks/<uuid:pk>/test/", views.test, name="test"),
    path("webhooks/<uuid:pk>/secret/", views.secret, name="secret"),
    path("webhooks/dhis2/", views.dhis2_index, name="dhis2"),
    path("webhooks/dhis2/push/", views.dhis2_push, name="dhis2_push"),
    path("webhooks/dhis2/pushes/<uuid:pk>/", views.dhis2_push_detail, name="dhis2_push_detail"),
    path("webhooks/dhis2/<str:code>/connection/", views.dhis2_connection, name="dhis2_connection"),
]

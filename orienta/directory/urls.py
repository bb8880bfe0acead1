from django.urls import path

from orienta.directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.search, name="search"),
    path("directory/services/new/", views.create, name="create"),
    path("directory/services/<uuid:pk>/", views.detail, name="detail"),
    path("directory/services/<uuid:pk>/edit/", views.edit, name="edit"),
    path("directory/services/<uuid:pk>/verify/", views.verify, name="verify"),
    path("directory/services/<uuid:pk>/costs/", views.cost_add, name="cost_add"),
    path("directory/services/<uuid:pk>/hours/", views.schedule_add, name="schedule_add"),
    path("directory/services/<uuid:pk>/permanences/", views.permanence_add, name="permanence_add"),
    path("directory/services/<uuid:pk>/contacts/", views.contact_add, name="contact_add"),
    path("directory/services/<uuid:pk>/places/", views.place_add, name="place_add"),
    path(
        "directory/services/<uuid:pk>/<slug:kind>/<uuid:item_pk>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path("directory/organisations/new/", views.organisation_new, name="organisation_new"),
    path(
        "directory/organisations/<uuid:pk>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("directory/print/<str:code>/", views.print_site, name="print"),
    path("directory/exchange/", views.exchange_page, name="exchange"),
    path("directory/exchange/hsds.json", views.export_json, name="export_json"),
    path("directory/exchange/hsds.zip", views.export_csv, name="export_csv"),
]

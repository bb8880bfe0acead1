from django.urls import path

from orienta.people import access_log, rights_views, views

app_name = "people"
urlpatterns = [
    path("people/", views.search, name="search"),
    path("people/new/", views.register, name="register"),
    path("people/code/<str:code>/", views.by_code, name="by_code"),
    path("people/<uuid:pk>/open/", views.open_existing, name="open_existing"),
    path("people/<uuid:pk>/edit/", views.edit, name="edit"),
    path("people/<uuid:pk>/merge/", views.merge, name="merge"),
    path("people/<uuid:pk>/consent/", rights_views.consent, name="consent"),
    path("people/<uuid:pk>/export/", rights_views.export, name="export"),
    path("people/<uuid:pk>/erase/", rights_views.erase, name="erase"),
    path("people/<uuid:pk>/access-log/", access_log.person_log, name="access_log"),
    path(
        "people/<uuid:pk>/access-log/account/",
        access_log.person_account,
        name="access_account",
    ),
    path("people/<uuid:pk>/household/", views.household, name="household"),
    path("people/<uuid:pk>/household/create/", views.household_create, name="household_create"),
    path("people/<uuid:pk>/household/add/", views.household_add, name="household_add"),
    path(
        "people/<uuid:pk>/household/<uuid:member_pk>/leave/",
        views.household_leave,
        name="household_leave",
    ),
]

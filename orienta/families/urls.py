from django.urls import path

from orienta.families import views

app_name = "families"
urlpatterns = [
    path("families/", views.priority, name="list"),
    path("families/instruments/", views.instruments, name="instruments"),
    path("families/instruments/new/", views.instrument_new, name="instrument_new"),
    path("families/instruments/<uuid:pk>/", views.instrument, name="instrument"),
    path("families/export/", views.export, name="export"),
    path("families/goals/<uuid:pk>/status/", views.goal_status, name="goal_status"),
    path("families/<uuid:pk>/", views.household, name="household"),
    path("families/<uuid:pk>/assess/", views.assess, name="assess"),
    path("families/<uuid:pk>/enrol/", views.enrol, name="enrol"),
    path("families/<uuid:pk>/goals/", views.goal_add, name="goal_add"),
    path("families/<uuid:pk>/actions/", views.link_add, name="link_add"),
    path("families/<uuid:pk>/exit/", views.exit_, name="exit"),
]

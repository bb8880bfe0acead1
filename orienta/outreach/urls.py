from django.urls import path

from orienta.outreach import views

app_name = "outreach"
urlpatterns = [
    path("outreach/", views.calendar, name="calendar"),
    path("outreach/export.xlsx", views.export, name="export"),
    path("outreach/sessions/new/", views.session_new, name="session_new"),
    path("outreach/sessions/<uuid:pk>/", views.session, name="session"),
    path("outreach/sessions/<uuid:pk>/counts/", views.session_counts, name="session_counts"),
    path("outreach/sessions/<uuid:pk>/edit/", views.session_edit, name="session_edit"),
    path("outreach/sessions/<uuid:pk>/attendees/", views.session_attendee, name="session_attendee"),
    path("outreach/sessions/<uuid:pk>/visits/", views.session_visit, name="session_visit"),
    path("outreach/fairs/new/", views.fair_new, name="fair_new"),
    path("outreach/fairs/<uuid:pk>/", views.fair, name="fair"),
    path("outreach/fairs/<uuid:pk>/counts/", views.fair_counts, name="fair_counts"),
    path("outreach/fairs/<uuid:pk>/edit/", views.fair_edit, name="fair_edit"),
    path("outreach/fairs/<uuid:pk>/stands/", views.fair_stand, name="fair_stand"),
    path("outreach/fairs/<uuid:pk>/visits/", views.fair_visit, name="fair_visit"),
    path("outreach/fairs/<uuid:pk>/outcomes/", views.fair_outcome, name="fair_outcome"),
    path("outreach/trainings/new/", views.training_new, name="training_new"),
    path("outreach/trainings/<uuid:pk>/", views.training, name="training"),
    path("outreach/trainings/<uuid:pk>/held/", views.training_held, name="training_held"),
    path(
        "outreach/trainings/<uuid:pk>/participants/",
        views.participant_add,
        name="participant_add",
    ),
    path("outreach/participants/<uuid:pk>/", views.participant_score, name="participant_score"),
    path("outreach/agents/<uuid:pk>/", views.agent, name="agent"),
    path("outreach/<slug:kind>/<uuid:pk>/cancel/", views.cancel, name="cancel"),
]

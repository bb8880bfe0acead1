from django.urls import path

from orienta.frontdesk import views

app_name = "frontdesk"
urlpatterns = [
    path("day/", views.day, name="day"),
    path("people/<uuid:pk>/", views.person, name="person"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<uuid:pk>/correct/", views.visit_correct, name="visit_correct"),
    path("visits/<uuid:pk>/void/", views.visit_void, name="visit_void"),
]

from django.urls import path

from orienta.reporting import views

app_name = "reporting"
urlpatterns = [
    path("results/", views.dashboard, name="dashboard"),
    path("results/indicators/<str:code>/", views.indicator, name="indicator"),
    path("results/indicators/<str:code>/records/", views.records, name="records"),
]

from django.urls import path

from orienta.sms import views

app_name = "sms"
urlpatterns = [
    path("sms/", views.log, name="log"),
]

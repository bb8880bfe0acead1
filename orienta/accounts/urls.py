"""Signing in and the pages under /account/ (the addresses are the ones integrations know)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from orienta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/setup/", views.two_factor_setup, name="2fa_setup"),
    path("account/2fa/verify/", views.two_factor_verify, name="2fa_verify"),
    path("account/reauth/", views.reauth, name="reauth"),
    path("account/password/", views.password_change, name="password"),
]

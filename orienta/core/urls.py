from django.contrib.auth import views as auth_views
from django.urls import path

from orienta.accounts import views as accounts
from orienta.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/setup/", accounts.two_factor_setup, name="account_2fa_setup"),
    path("account/2fa/verify/", accounts.two_factor_verify, name="account_2fa_verify"),
    path("account/reauth/", accounts.reauth, name="account_reauth"),
    path("account/password/", accounts.password_change, name="account_password"),
    path("language/", views.set_language, name="set_language"),
    path("sites/", views.sites, name="sites"),
    path("sites/<str:code>/", views.site_detail, name="site"),
]

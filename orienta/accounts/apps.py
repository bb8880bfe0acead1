from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "orienta.accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from orienta.accounts import sessions

        # Every way in (the sign-in page, the admin's, a test's force_login) and every way out
        # (the site's and the admin's log-out) goes through these signals.
        user_logged_in.connect(sessions.on_login, dispatch_uid="orienta.accounts.on_login")
        user_logged_out.connect(sessions.on_logout, dispatch_uid="orienta.accounts.on_logout")

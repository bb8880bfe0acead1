from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "orienta.audit"
    label = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        # Sign-ins happen inside django.contrib.auth: its signals are the one place to hear them.
        from orienta.audit import signals

        signals.connect()

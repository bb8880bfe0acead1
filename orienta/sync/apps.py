from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "orienta.sync"
    label = "sync"
    verbose_name = _("Offline sites")

    def ready(self) -> None:
        # The journal is written by Django's model signals, connected here once every model is
        # loaded: one place that sees every save and delete of a synced model (capture.py).
        from orienta.sync import allowance, capture, services

        capture.connect()
        capture.install_bulk_writer()
        services.install_code_allocator()
        allowance.install()

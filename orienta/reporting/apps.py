from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "orienta.reporting"
    label = "reporting"
    verbose_name = _("Results")

    def ready(self) -> None:
        # Every installed app's indicators.py registers its indicators and dimensions.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("indicators")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "orienta.reporting"
    label = "reporting"
    verbose_name = _("Results")

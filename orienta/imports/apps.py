from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "orienta.imports"
    label = "imports"
    verbose_name = _("Field-form imports")

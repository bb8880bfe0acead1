from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "orienta.core"
    label = "core"
    verbose_name = _("Organisation and sites")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "orienta.frontdesk"
    label = "frontdesk"
    verbose_name = _("Front desk")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "orienta.core"
    label = "core"
    verbose_name = _("Organisation and sites")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from orienta.core.models import User
        from orienta.core.scoping import forget_assigned_sites

        m2m_changed.connect(forget_assigned_sites, sender=User.sites.through)

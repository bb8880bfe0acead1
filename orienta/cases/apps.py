from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "orienta.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models.signals import post_save

        from orienta.cases.models import CaseAccessGrant, forget_grants

        post_save.connect(forget_grants, sender=CaseAccessGrant)

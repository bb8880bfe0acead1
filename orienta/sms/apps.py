from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "orienta.sms"
    label = "sms"
    verbose_name = _("SMS")

    def ready(self):
        from orienta.core.signals import event_committed
        from orienta.sms.outgoing import on_event_committed

        event_committed.connect(on_event_committed, dispatch_uid="sms.outgoing")

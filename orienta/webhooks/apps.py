from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "orienta.webhooks"
    label = "webhooks"
    verbose_name = _("Integrations")

    def ready(self):
        from orienta.core.signals import event_committed
        from orienta.webhooks.services import on_event_committed

        event_committed.connect(on_event_committed, dispatch_uid="webhooks.deliveries")

"""Telling people: a subscription disabled after repeated failures.

Orienta has no notification centre; the notice is an e-mail (Django's mail, the server's
EMAIL_* settings) to every active administrator with an address and, for a country's
subscription, to that country's coordinators, each in their own language. The webhooks page
shows the same notice as a banner until the subscription is enabled again.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from orienta.core.models import Role, User
from orienta.webhooks.models import Subscription

logger = logging.getLogger(__name__)


def _recipients(subscription: Subscription) -> list[User]:
    return list(
        User.objects.filter(
            Q(role=Role.ADMIN) | Q(role=Role.COORDINATOR, country_id=subscription.country_id),
            is_active=True,
        )
        .exclude(email="")
        .order_by("username")
    )


def disabled_after_failures(subscription: Subscription) -> int:
    """E-mail the notice; returns how many were sent. A mail server that fails is logged: the
    banner on the page still says it."""
    sent = 0
    for user in _recipients(subscription):
        with translation.override(user.preferred_language()):
            subject = _("Orienta: the webhook “%(name)s” was disabled") % {
                "name": subscription.name
            }
            body = _(
                "The webhook subscription “%(name)s” (%(country)s) failed %(count)s times in a "
                "row and was disabled: events are no longer sent to %(url)s.\n\n"
                "When the partner's server works again, enable it on the webhooks page: "
                "%(page)s"
            ) % {
                "name": subscription.name,
                "country": subscription.country.code,
                "count": subscription.failure_streak,
                "url": subscription.url,
                "page": settings.ORIENTA_PUBLIC_URL
                + reverse("webhooks:subscription", args=[subscription.pk]),
            }
        try:
            sent += send_mail(subject, body, None, [user.email])
        except OSError:
            logger.exception("the notice of a disabled webhook could not be e-mailed")
    return sent

"""Reads of the integrations' pages, scoped (`visible_to`) and bounded."""

from uuid import UUID

from django.db.models import QuerySet

from orienta.core.access import coordinates_country, is_administrator, pushes_dhis2
from orienta.core.models import Country, Organisation
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.webhooks.models import Delivery, Dhis2Connection, Dhis2Push, Subscription

LOG_LIMIT = 100


def subscriptions(user: AnyUser | None) -> list[Subscription]:
    return list(
        Subscription.objects.visible_to(user).select_related("country", "organisation")[:200]
    )


def subscription_for(user: AnyUser | None, pk: UUID) -> Subscription:
    found = (
        Subscription.objects.visible_to(user)
        .select_related("country", "organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise OutOfScope("webhooks.subscription", pk)
    return found


def deliveries(user: AnyUser | None, subscription: Subscription | None = None) -> list[Delivery]:
    """The latest deliveries in scope (of one subscription), newest first."""
    rows: QuerySet[Delivery] = Delivery.objects.visible_to(user).select_related("subscription")
    if subscription is not None:
        rows = rows.filter(subscription=subscription)
    return list(rows.order_by("-created_at", "-id")[:LOG_LIMIT])


def disabled_after_failures(user: AnyUser | None) -> list[Subscription]:
    """The banner: subscriptions in scope that were disabled after repeated failures."""
    return [
        s
        for s in Subscription.objects.visible_to(user).filter(
            active=False, disabled_reason="failures"
        )[:20]
    ]


def countries_for(user: AnyUser | None) -> QuerySet[Country]:
    """The countries a user may configure integrations of (push to, for M&E)."""
    if is_administrator(user):
        return Country.objects.all()
    if coordinates_country(user) and user.country_id is not None:
        return Country.objects.filter(pk=user.country_id)
    if coordinates_country(user):
        return Country.objects.none()
    if pushes_dhis2(user):
        return Country.objects.all()
    return Country.objects.none()


def organisations_for(user: AnyUser | None) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(deleted_at__isnull=True, country__in=countries_for(user))
        .select_related("country")
        .order_by("country__code", "name")
    )


def connections(user: AnyUser | None) -> dict[UUID, Dhis2Connection]:
    if not pushes_dhis2(user):
        return {}
    rows = Dhis2Connection.objects.filter(country__in=countries_for(user), deleted_at__isnull=True)
    return {row.country_id: row for row in rows}


def pushes(user: AnyUser | None) -> list[Dhis2Push]:
    return list(
        Dhis2Push.objects.visible_to(user).select_related("country", "requested_by")[:LOG_LIMIT]
    )


def push_for(user: AnyUser | None, pk: UUID) -> Dhis2Push:
    found = Dhis2Push.objects.visible_to(user).select_related("country").filter(pk=pk).first()
    if found is None:
        raise OutOfScope("webhooks.dhis2push", pk)
    return found


def country_for(user: AnyUser | None, code: str) -> Country:
    found = countries_for(user).filter(code=code.upper()).first() if len(code) == 2 else None
    if found is None:
        raise OutOfScope("core.country", None)
    return found

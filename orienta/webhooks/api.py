"""The webhooks' delivery log in the API, mounted under /api/v1/ by orienta.api.v1: read-only,
scoped as the page is (administrators every country's subscriptions, coordinators their
country's; everyone else 403). What a delivery carried is not repeated here: the partner has
it, and the log is for following a partner's trouble (status, attempts, answer, error)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from orienta.core.access import manages_webhooks
from orienta.core.types import ApiRequest
from orienta.lib.api.pagination import PageMapped, Pages
from orienta.webhooks.models import Delivery, DeliveryStatus

router = Router(tags=["webhooks"])


class DeliveryFilters(Schema):
    subscription: UUID | None = Field(None, description="Only this subscription's deliveries.")
    status: DeliveryStatus | None = Field(None, description="Only deliveries in this status.")


class DeliveryOut(Schema):
    id: UUID
    subscription: UUID
    subscription_name: str
    country: str
    event: str
    event_id: UUID | None
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    response_code: int | None
    duration_ms: int | None
    error: str = Field(description="What went wrong, in the caller's language; empty if nothing.")


def _out(delivery: Delivery) -> dict[str, Any]:
    subscription = delivery.subscription
    waiting = delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
    return {
        "id": delivery.pk,
        "subscription": subscription.pk,
        "subscription_name": subscription.name,
        "country": subscription.country.code,
        "event": delivery.event,
        "event_id": delivery.event_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at if waiting else None,
        "delivered_at": delivery.delivered_at,
        "response_code": delivery.response_code,
        "duration_ms": delivery.duration_ms,
        "error": delivery.error_message if delivery.error else "",
    }


@router.get(
    "/webhooks/deliveries",
    response=list[DeliveryOut],
    summary="Webhook deliveries in scope, newest first",
)
@paginate(Pages, page_size=50, max_page_size=100)
def delivery_list(request: ApiRequest, filters: Query[DeliveryFilters]) -> PageMapped:
    """The delivery log of the subscriptions the caller manages (administrators: every
    country's; coordinators: their country's)."""
    if not manages_webhooks(request.auth):
        raise PermissionDenied
    found = Delivery.objects.visible_to(request.auth).select_related("subscription__country")
    if filters.subscription is not None:
        found = found.filter(subscription_id=filters.subscription)
    if filters.status is not None:
        found = found.filter(status=filters.status)
    found = found.order_by("-created_at", "-id")
    return PageMapped(found, found.count(), lambda items: [_out(d) for d in items])

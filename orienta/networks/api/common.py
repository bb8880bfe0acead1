"""What the networks' API modules share: the role checks, the page of a list, and the
services' refusals of the input turned into field errors."""

from typing import Any

from django.core.exceptions import PermissionDenied

from orienta.core.access import manages_networks
from orienta.core.types import ApiRequest
from orienta.lib.api.errors import field_error
from orienta.lib.api.pagination import PageMapped
from orienta.networks import services

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def manager(request: ApiRequest) -> None:
    """403 for a caller who manages no country's networks."""
    if not manages_networks(request.auth):
        raise PermissionDenied


def saving(field: str, call: Any) -> Any:
    """Run a service; its refusals of the input are 422 on `field`."""
    try:
        return call()
    except services.BadInput as exc:
        raise field_error(field, exc.message, "invalid") from None


def page(queryset: Any, out: Any) -> PageMapped:
    return PageMapped(queryset, queryset.count(), lambda items: [out(i) for i in items])

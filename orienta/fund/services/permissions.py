"""Who may do what with the fund's money and requests (built on orienta.core.access)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied

from orienta.core.access import coordinates_country, is_active_user, manages_fund_periods
from orienta.core.access import manages_site as manages_site
from orienta.core.types import AnyUser
from orienta.fund.models import (
    FundRequest,
    Level,
)

# Who may do what
# =============================================================================================


def _require_coordinator(user: AnyUser | None, country_id: UUID) -> None:
    """Periods and allocations: the country's coordinator; an administrator for a country that
    has none yet."""
    if not manages_fund_periods(user, country_id):
        raise PermissionDenied


def coordinates(user: AnyUser | None, country_id: UUID) -> bool:
    """The coordinator of the country `country_id`."""
    return coordinates_country(user, country_id)


def may_decide(user: AnyUser | None, fund_request: FundRequest) -> bool:
    """Approve or reject: the site manager up to the country's threshold, the coordinator
    always; never the person who made the request."""
    if not is_active_user(user) or fund_request.created_by_id == user.pk:
        return False
    if coordinates(user, fund_request.site.country_id):
        return True
    return fund_request.level == Level.MANAGER and manages_site(user, fund_request.site_id)


def may_pay(user: AnyUser | None, fund_request: FundRequest) -> bool:
    return manages_site(user, fund_request.site_id) or coordinates(
        user, fund_request.site.country_id
    )


def may_cancel(user: AnyUser | None, fund_request: FundRequest) -> bool:
    return (is_active_user(user) and fund_request.created_by_id == user.pk) or may_pay(
        user, fund_request
    )

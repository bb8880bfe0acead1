"""Who may do what with the fund's money and requests (built on orienta.core.access)."""

from django.core.exceptions import PermissionDenied

from orienta.core.models import Role
from orienta.fund.models import (
    FundRequest,
    Level,
)

# Who may do what
# =============================================================================================


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _require_coordinator(user, country_id) -> None:
    """Periods and allocations: the country's coordinator; an administrator for a country that
    has none yet."""
    if not _active(user):
        raise PermissionDenied
    if user.role == Role.ADMIN or coordinates(user, country_id):
        return
    raise PermissionDenied


def manages_site(user, site_id) -> bool:
    return _active(user) and user.role == Role.MANAGER and user.sites.filter(pk=site_id).exists()


def coordinates(user, country_id) -> bool:
    return _active(user) and user.role == Role.COORDINATOR and user.country_id == country_id


def may_decide(user, fund_request: FundRequest) -> bool:
    """Approve or reject: the site manager up to the country's threshold, the coordinator
    always; never the person who made the request."""
    if not _active(user) or fund_request.created_by_id == user.pk:
        return False
    if coordinates(user, fund_request.site.country_id):
        return True
    return fund_request.level == Level.MANAGER and manages_site(user, fund_request.site_id)


def may_pay(user, fund_request: FundRequest) -> bool:
    return manages_site(user, fund_request.site_id) or coordinates(
        user, fund_request.site.country_id
    )


def may_cancel(user, fund_request: FundRequest) -> bool:
    return (_active(user) and fund_request.created_by_id == user.pk) or may_pay(user, fund_request)

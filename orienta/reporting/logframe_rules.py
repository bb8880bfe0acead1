"""Who may read and change the logframe's figures and take the results' exports.

- site managers read the logframe of their site (read-only) and export their site's figures;
- country coordinators read their country and its sites, set targets and enter values there;
- M&E / headquarters read everything, the programme's figures included, and set targets and
  enter values anywhere: those are aggregates, which M&E's work is about (no personal data);
- agents, providers and administrators: refused (403). Administrators edit the logframe's
  structure and the DHIS2 mapping in the Django admin.

Figures shown to a role that may not see the persons (M&E) are suppressed below the threshold;
exports are always suppressed, whoever takes them.
"""

from typing import TypeGuard

from orienta.core.models import Country, Role, Site, User
from orienta.core.types import AnyUser
from orienta.reporting import access
from orienta.reporting.access import may_see_results

READERS = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME})
SETTERS = frozenset({Role.COORDINATOR, Role.ME})


def _active(user: AnyUser | None) -> TypeGuard[User]:
    return bool(user and user.is_authenticated and user.is_active)


def can_read_logframe(user: AnyUser | None) -> TypeGuard[User]:
    """The results' readers (`reporting.access.may_see_results`)."""
    return _active(user) and user.role in READERS and may_see_results(user)


def can_export_results(user: AnyUser | None) -> TypeGuard[User]:
    """The XLSX, CSV and PDF exports: aggregates, always suppressed."""
    return can_read_logframe(user)


def can_read_dhis2(user: AnyUser | None) -> TypeGuard[User]:
    """The DHIS2 data value sets are taken per country: coordinators and M&E."""
    return _active(user) and user.role in SETTERS


def reads_programme(user: AnyUser | None) -> bool:
    return _active(user) and user.role == Role.ME


def reads_country(user: AnyUser | None) -> bool:
    return _active(user) and user.role == Role.COORDINATOR


def can_set_figures(user: AnyUser | None) -> TypeGuard[User]:
    """Targets and values entered by hand: coordinators and M&E."""
    return _active(user) and user.role in SETTERS


def may_set_figures_for(user: AnyUser | None, country: Country | None, site: Site | None) -> bool:
    """A coordinator for their country and its sites; M&E for any scope, the programme too."""
    if not can_set_figures(user):
        return False
    if user.role == Role.ME:
        return True
    return country is not None and country.pk == user.country_id


def suppresses_for(user: AnyUser | None) -> bool:
    """Small counts are hidden from a role that may not see the persons behind them (the
    dashboard's rule, `reporting.access.suppresses_for`)."""
    return not _active(user) or access.suppresses_for(user)

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

from orienta.core.access import (
    coordinates_country,
    is_active_user,
    is_headquarters,
    reads_results,
    sets_results_figures,
)
from orienta.core.models import Country, Site, User
from orienta.core.types import AnyUser
from orienta.reporting import access


def can_read_logframe(user: AnyUser | None) -> TypeGuard[User]:
    """The results' readers (`core.access.reads_results`)."""
    return reads_results(user)


def can_export_results(user: AnyUser | None) -> TypeGuard[User]:
    """The XLSX, CSV and PDF exports: aggregates, always suppressed."""
    return can_read_logframe(user)


def can_read_dhis2(user: AnyUser | None) -> TypeGuard[User]:
    """The DHIS2 data value sets are taken per country: coordinators and M&E."""
    return sets_results_figures(user)


def reads_programme(user: AnyUser | None) -> bool:
    return is_headquarters(user)


def reads_country(user: AnyUser | None) -> bool:
    return coordinates_country(user)


def can_set_figures(user: AnyUser | None) -> TypeGuard[User]:
    """Targets and values entered by hand: coordinators and M&E."""
    return sets_results_figures(user)


def may_set_figures_for(user: AnyUser | None, country: Country | None, site: Site | None) -> bool:
    """A coordinator for their country and its sites; M&E for any scope, the programme too."""
    if not can_set_figures(user):
        return False
    if is_headquarters(user):
        return True
    return country is not None and country.pk == user.country_id


def suppresses_for(user: AnyUser | None) -> bool:
    """Small counts are hidden from a role that may not see the persons behind them (the
    dashboard's rule, `reporting.access.suppresses_for`)."""
    return not is_active_user(user) or access.suppresses_for(user)

"""Who may do what with families (the predicates of `orienta.core.access`, named for here).

- The site's agents and managers assess households, enrol them, plan and follow them: the
  pages and routes that show a household's answers, plan and notes are theirs alone (answers
  about protection and safety are read by nobody else, coordinators included).
- Coordinators and M&E read the figures (the results engine) and export the assessments
  without names, codes or notes.
- M&E / headquarters and administrators edit the instruments of every country: an instrument
  decides who is prioritised across sites, so it is configured centrally and versioned.
  Every staff role reads the instruments.
"""

from typing import TypeGuard

from orienta.core.access import (
    approves_payments,
    can_record,
    coordinates_country,
    is_active_user,
    is_cso_staff,
    is_headquarters,
    is_provider,
    reads_aggregates_only,
)
from orienta.core.models import User
from orienta.core.types import AnyUser


def works_on_families(user: AnyUser | None) -> TypeGuard[User]:
    """Assessing, enrolling, planning, reading a household's assessments: site staff."""
    return can_record(user)


def edits_instruments(user: AnyUser | None) -> TypeGuard[User]:
    return reads_aggregates_only(user)


def reads_instruments(user: AnyUser | None) -> TypeGuard[User]:
    """The programme's staff; not a provider's or a partner CSO's accounts."""
    return is_active_user(user) and not (is_provider(user) or is_cso_staff(user))


def exports_assessments(user: AnyUser | None) -> TypeGuard[User]:
    """The assessments as a spreadsheet: site managers (their sites, with the heads' names),
    coordinators (their country) and M&E (everywhere), without names."""
    return approves_payments(user) or is_headquarters(user)


def exports_names(user: AnyUser | None) -> bool:
    """Names and household codes in the export: the site manager, who works with the families."""
    return approves_payments(user) and not coordinates_country(user)

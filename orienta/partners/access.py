"""Who may do what with partner CSOs (the predicates of `orienta.core.access`, named for here).

- A CSO's own staff (`cso` role) read and edit their organisation's profile, contacts,
  documents, assessments, plan, grants and applications, and nothing of another organisation
  (404): it is their organisation's record, not a person's.
- Country coordinators manage the CSOs of their country: register them, edit them, assess them
  with them, follow their grants and applications.
- M&E / headquarters read every CSO and manage them as a coordinator does, in every country:
  capacity building is led from headquarters where a country has no coordinator (Guinea-Bissau),
  as headquarters edits every country's directory.
- Administrators read every CSO (configuration, no personal record), but not its contacts:
  those go to whoever edits the CSO (`reads_contacts`).
- M&E and administrators edit the OCA tool, which decides how every CSO is measured, so it is
  configured centrally and versioned.
- Agents, site managers and providers have no part in it (403): a site's staff work with
  persons, and the CSO that runs their site manages itself through its own account.
"""

from typing import TypeGuard

from django.db.models import Q

from orienta.core.access import (
    coordinates_country,
    is_active_user,
    is_cso_staff,
    is_headquarters,
    reads_aggregates_only,
)
from orienta.core.models import Organisation, User
from orienta.core.types import AnyUser

CSO = Organisation.Kind.CSO


def reads_partners(user: AnyUser | None) -> TypeGuard[User]:
    """The CSO pages and routes: a CSO's staff (their own), coordinators, M&E, administrators."""
    return is_cso_staff(user) or coordinates_country(user) or reads_aggregates_only(user)


def registers_partners(user: AnyUser | None) -> TypeGuard[User]:
    """Registering a new partner CSO: the coordinator of its country, or headquarters."""
    return coordinates_country(user) or is_headquarters(user)


def edits_partners(user: AnyUser | None) -> TypeGuard[User]:
    """Editing some CSO's records (`edits_partner` says which): its staff, the coordinators,
    headquarters."""
    return is_cso_staff(user) or coordinates_country(user) or is_headquarters(user)


def edits_partner(user: AnyUser | None, organisation: Organisation) -> TypeGuard[User]:
    """Editing this CSO's profile, assessments, plan, grants and applications."""
    if organisation.kind != CSO or organisation.deleted_at is not None:
        return False
    if is_cso_staff(user):
        return user.organisation_id == organisation.pk
    return coordinates_country(user, organisation.country_id) or is_headquarters(user)


def reads_contacts(user: AnyUser | None, organisation: Organisation) -> TypeGuard[User]:
    """A CSO's contacts (the names, phones and emails of its staff and board: organisational
    contacts, not beneficiaries) go to whoever edits its record: its own staff, the coordinator
    of its country, headquarters. The one rule of the page, the XLSX export and the API; an
    administrator, who reads CSOs without editing them, sees none."""
    return edits_partner(user, organisation)


def edits_oca_tools(user: AnyUser | None) -> TypeGuard[User]:
    return reads_aggregates_only(user)


def partner_filter(user: AnyUser | None, prefix: str = "") -> Q:
    """The CSOs (reached through `prefix`, e.g. "organisation__") in the user's scope."""
    if not is_active_user(user) or not reads_partners(user):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}kind": CSO, f"{prefix}deleted_at__isnull": True})
    if is_cso_staff(user):
        return q & Q(**{f"{prefix}pk": user.organisation_id})
    if coordinates_country(user):
        return q & Q(**{f"{prefix}country_id": user.country_id})
    return q

"""Who may do what: every role check of the views, the API, the services and the templates.

A predicate takes the user (signed in or not, or None) and answers for an active account only;
those that only look at the role narrow the user to `User` for mypy (TypeGuard), so a caller may
read `user.sites` after `if can_record(user):`. Which records a user may *see* is the scoping
layer (`orienta.core.scoping`, built on these); what a role may *do* is here. Templates read the
same predicates through the `access` context processor: `{% if access.approves_payments %}`.

The roles (DESIGN.md): agents and site managers work at their sites; a country coordinator
oversees a country; M&E / headquarters and administrators see every site but no personal
record; a provider's account sees only the referrals addressed to its organisation.
"""

from collections.abc import Callable
from typing import TypeGuard
from uuid import UUID

from orienta.core.models import Role, User
from orienta.core.types import AnyUser

SITE_STAFF_ROLES = frozenset({Role.AGENT, Role.MANAGER})
PERSONAL_DATA_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.COORDINATOR})
ALL_SITES_ROLES = frozenset({Role.ME, Role.ADMIN})
DIRECTORY_EDITOR_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN})
DIRECTORY_EXCHANGE_ROLES = frozenset({Role.COORDINATOR, Role.ME, Role.ADMIN})
ACCESS_LOG_READER_ROLES = frozenset({Role.COORDINATOR, Role.ME})
REFERRAL_METRICS_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME})
FUND_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN})
PAYMENT_APPROVER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})
STATEMENT_READER_ROLES = frozenset(
    {Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN, Role.PROVIDER}
)
RESULTS_READER_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME})
RESULTS_SETTER_ROLES = frozenset({Role.COORDINATOR, Role.ME})
SMS_LOG_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN})
SMS_TEXT_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR})
TWO_FACTOR_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN})
INTEGRATION_MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})
DHIS2_PUSHER_ROLES = frozenset({Role.COORDINATOR, Role.ME, Role.ADMIN})


def is_active_user(user: AnyUser | None) -> TypeGuard[User]:
    """A signed-in, active account: nobody else may do anything."""
    return bool(user and user.is_authenticated and user.is_active)


def _has_role(user: AnyUser | None, roles: frozenset[str]) -> TypeGuard[User]:
    return is_active_user(user) and user.role in roles


# Roles
# =============================================================================================


def is_agent(user: AnyUser | None) -> TypeGuard[User]:
    return _has_role(user, frozenset({Role.AGENT}))


def is_site_manager(user: AnyUser | None) -> TypeGuard[User]:
    """A site manager (of some site; `manages_site` says which)."""
    return _has_role(user, frozenset({Role.MANAGER}))


def coordinates_country(user: AnyUser | None, country_id: UUID | None = None) -> TypeGuard[User]:
    """A country coordinator; of the country `country_id` when it is given."""
    return _has_role(user, frozenset({Role.COORDINATOR})) and (
        country_id is None or user.country_id == country_id
    )


def is_administrator(user: AnyUser | None) -> TypeGuard[User]:
    return _has_role(user, frozenset({Role.ADMIN}))


def is_provider(user: AnyUser | None) -> TypeGuard[User]:
    """A partner's account: it sees the referrals (and payments) of its organisation only."""
    return _has_role(user, frozenset({Role.PROVIDER}))


def is_cso_staff(user: AnyUser | None) -> TypeGuard[User]:
    """A partner CSO's staff member: their organisation's profile, capacity and funding, the
    resource centre; no person's record, no site."""
    return _has_role(user, frozenset({Role.CSO})) and user.organisation_id is not None


def is_headquarters(user: AnyUser | None) -> TypeGuard[User]:
    """M&E / headquarters: the whole programme's figures."""
    return _has_role(user, frozenset({Role.ME}))


def reads_aggregates_only(user: AnyUser | None) -> TypeGuard[User]:
    """M&E / headquarters and administrators: every site, but counts, configuration and
    aggregates, never a personal record."""
    return _has_role(user, ALL_SITES_ROLES)


# Persons and their records
# =============================================================================================


def can_read_persons(user: AnyUser | None) -> TypeGuard[User]:
    """Reading personal records (persons, visits, cases, referrals, fund requests) in scope."""
    return _has_role(user, PERSONAL_DATA_ROLES)


def can_record(user: AnyUser | None) -> TypeGuard[User]:
    """Registering persons, recording visits, cases and referrals: the work of a site's staff."""
    return _has_role(user, SITE_STAFF_ROLES)


def can_merge(user: AnyUser | None) -> TypeGuard[User]:
    """Merging two records of the same person, overriding a refusal to share: a site manager."""
    return is_site_manager(user)


def manages_sites(user: AnyUser | None) -> TypeGuard[User]:
    """Settings of a site, reassigning cases, the sensitive mark: a site manager's acts."""
    return is_site_manager(user)


def manages_site(user: AnyUser | None, site_id: UUID) -> TypeGuard[User]:
    """A site manager assigned to the site `site_id`."""
    return is_site_manager(user) and any(site.pk == site_id for site in user.own_sites())


def reads_access_log(user: AnyUser | None) -> TypeGuard[User]:
    """Who may read the access log: the country's coordinator (their country), M&E (all)."""
    return _has_role(user, ACCESS_LOG_READER_ROLES)


def reads_person_access_log(user: AnyUser | None) -> TypeGuard[User]:
    """A person's own access log and consent page: their country's coordinator."""
    return coordinates_country(user)


# Directory, referrals, fund
# =============================================================================================


def edits_directory(user: AnyUser | None) -> TypeGuard[User]:
    """Editing services and organisations (each role within its reach)."""
    return _has_role(user, DIRECTORY_EDITOR_ROLES)


def edits_every_country(user: AnyUser | None) -> TypeGuard[User]:
    """The directory of every country: headquarters (M&E) and administrators."""
    return reads_aggregates_only(user)


def exchanges_directory(user: AnyUser | None) -> TypeGuard[User]:
    """Exporting and importing the directory as HSDS files."""
    return _has_role(user, DIRECTORY_EXCHANGE_ROLES)


def reads_referral_metrics(user: AnyUser | None) -> TypeGuard[User]:
    return _has_role(user, REFERRAL_METRICS_ROLES)


def uses_fund(user: AnyUser | None) -> TypeGuard[User]:
    """The support fund's pages: every staff role (a provider sees its statements only)."""
    return _has_role(user, FUND_ROLES)


def approves_payments(user: AnyUser | None) -> TypeGuard[User]:
    """Approving requests, paying, the approval queue and the beneficiaries' export: site
    managers (up to the country's threshold) and coordinators."""
    return _has_role(user, PAYMENT_APPROVER_ROLES)


def reads_provider_statements(user: AnyUser | None) -> TypeGuard[User]:
    """A provider's statement of payments: managers, coordinators, HQ, the provider itself."""
    return _has_role(user, STATEMENT_READER_ROLES)


def manages_fund_periods(user: AnyUser | None, country_id: UUID) -> TypeGuard[User]:
    """Periods and allocations of a country's fund: its coordinator; an administrator for a
    country that has none yet."""
    return is_administrator(user) or coordinates_country(user, country_id)


# Results (the programme's indicators)
# =============================================================================================


def reads_results(user: AnyUser | None) -> TypeGuard[User]:
    """The results' figures: site managers (their sites), coordinators (their country), M&E."""
    return _has_role(user, RESULTS_READER_ROLES)


def opens_results_records(user: AnyUser | None) -> TypeGuard[User]:
    """The records behind a figure, and every figure as counted (no small count hidden): site
    managers (their sites) and coordinators (their country), who may see the persons."""
    return is_site_manager(user) or coordinates_country(user)


def sets_results_figures(user: AnyUser | None) -> TypeGuard[User]:
    """Targets and values entered by hand: coordinators (their country) and M&E."""
    return _has_role(user, RESULTS_SETTER_ROLES)


# Integrations (webhooks to partner systems, DHIS2)
# =============================================================================================


def manages_webhooks(user: AnyUser | None) -> TypeGuard[User]:
    """Webhook subscriptions and their delivery log: administrators (every country) and
    coordinators (their country's)."""
    return _has_role(user, INTEGRATION_MANAGER_ROLES)


def pushes_dhis2(user: AnyUser | None) -> TypeGuard[User]:
    """Pushing the results to DHIS2 and reading the import summaries: M&E and administrators
    (every country), coordinators (their country)."""
    return _has_role(user, DHIS2_PUSHER_ROLES)


def configures_dhis2(user: AnyUser | None) -> TypeGuard[User]:
    """The DHIS2 instance a country pushes to (address and credentials): administrators
    (every country), coordinators (their country)."""
    return _has_role(user, INTEGRATION_MANAGER_ROLES)


# Offline sites (sync)
# =============================================================================================


def manages_nodes(user: AnyUser | None) -> TypeGuard[User]:
    """Enrolling and revoking site nodes at the central server: an administrator."""
    return is_administrator(user)


def reads_sync_status(user: AnyUser | None) -> TypeGuard[User]:
    """The sync status page (outbox, last sync, conflicts): a site's staff, its country's
    coordinator, administrators."""
    return can_record(user) or coordinates_country(user) or is_administrator(user)


def resolves_sync_conflicts(user: AnyUser | None) -> TypeGuard[User]:
    """Choosing the value kept when a field was changed on both sides: site managers (their
    sites) and coordinators (their country)."""
    return is_site_manager(user) or coordinates_country(user)


# Field-form imports (KoboToolbox, ODK)
# =============================================================================================


def imports_field_forms(user: AnyUser | None) -> TypeGuard[User]:
    """Importing a field form's export at one's own sites: site staff (the services refuse
    anyone else); which records each role may import is `orienta.imports.access`."""
    return can_record(user)


def reads_import_log(user: AnyUser | None) -> TypeGuard[User]:
    """The log of imports (who, when, which file, counts, errors): site staff (their sites) and
    coordinators (their country's sites)."""
    return _has_role(user, PERSONAL_DATA_ROLES)


# Civil society networks: the resource centre, the GTPS, the diagnostics
# =============================================================================================


def manages_networks(user: AnyUser | None, country_id: UUID | None = None) -> TypeGuard[User]:
    """Managing the GTPS, the resource centre and the diagnostics: a country's coordinator
    (of the country `country_id` when it is given), M&E and administrators (every country)."""
    return reads_aggregates_only(user) or coordinates_country(user, country_id)


def reads_resource_centre(user: AnyUser | None) -> TypeGuard[User]:
    """The resource centre (library and support to CSOs): every account but a provider's."""
    return is_active_user(user) and not is_provider(user)


def reads_networks(user: AnyUser | None) -> TypeGuard[User]:
    """The GTPS and the diagnostics of one's country: site staff, coordinators, M&E and
    administrators (a CSO's staff reads only the groups its organisation is a member of)."""
    return can_record(user) or manages_networks(user)


# SMS
# =============================================================================================


def reads_sms_log(user: AnyUser | None) -> TypeGuard[User]:
    """The SMS log and its costs: site managers (their sites), coordinators (their country),
    M&E and administrators (every country, numbers masked and no message text)."""
    return _has_role(user, SMS_LOG_ROLES)


def reads_sms_text(user: AnyUser | None) -> TypeGuard[User]:
    """The full numbers and the text of the messages in the SMS log: the roles that read
    personal records (site managers, coordinators), never M&E nor administrators."""
    return _has_role(user, SMS_TEXT_ROLES)


# Accounts
# =============================================================================================

# How far a role reaches, for wording who did something (the access log names a role, not a user).
ROLE_REACH: dict[str, str] = {
    Role.AGENT: "site",
    Role.MANAGER: "site",
    Role.COORDINATOR: "country",
    Role.ME: "everywhere",
    Role.ADMIN: "everywhere",
    Role.PROVIDER: "organisation",
    Role.CSO: "organisation",
}


def role_reach(role: str) -> str:
    """ "site", "country", "everywhere" or "organisation" ("" for a role no longer known)."""
    return ROLE_REACH.get(role, "")


def needs_two_factor(user: User) -> bool:
    """Roles that reach many people's records, and staff accounts, sign in with a second factor."""
    return user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser


# Templates
# =============================================================================================

# The predicates a template may ask by name (those of the user alone).
TEMPLATE_PREDICATES: dict[str, Callable[[AnyUser | None], bool]] = {
    function.__name__: function
    for function in (
        is_agent,
        is_site_manager,
        coordinates_country,
        is_administrator,
        is_provider,
        is_cso_staff,
        is_headquarters,
        reads_aggregates_only,
        can_read_persons,
        can_record,
        can_merge,
        manages_sites,
        reads_access_log,
        reads_person_access_log,
        edits_directory,
        exchanges_directory,
        reads_referral_metrics,
        uses_fund,
        approves_payments,
        reads_provider_statements,
        reads_results,
        sets_results_figures,
        manages_webhooks,
        pushes_dhis2,
        manages_nodes,
        reads_sync_status,
        resolves_sync_conflicts,
        imports_field_forms,
        reads_import_log,
        reads_sms_log,
    )
}


class Access:
    """The request user's predicates for templates: `access.can_record` answers
    `can_record(user)`, computed once per request; an unknown name is an error."""

    def __init__(self, user: AnyUser | None) -> None:
        self._user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._answers:
            self._answers[name] = bool(TEMPLATE_PREDICATES[name](self._user))
        return self._answers[name]

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_") or name not in TEMPLATE_PREDICATES:
            raise AttributeError(name)
        return self[name]

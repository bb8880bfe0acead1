"""The one scoping layer: which sites, and so which records, a user may see.

Every page, API route and export reads through `visible_to(user)` on a queryset, and through
the access helpers (`get_*_for`) that raise Http404 when an object is out of scope.

- agent, site manager: the sites they are assigned to;
- country coordinator: every site of their country;
- M&E / headquarters and administrator: every site, but no personal records — they work on
  configuration and aggregates, and do not read who came or why;
- provider: no site and no personal record (they will see only referrals addressed to them);
- partner CSO staff: no site and no personal record (their organisation's own work only).
"""

from typing import Any, Protocol, Self, TypeVar
from uuid import UUID

from django.db.models import Model, Q, QuerySet

from orienta.core.access import (
    can_read_persons,
    can_record,
    coordinates_country,
    is_active_user,
    is_cso_staff,
    is_provider,
    is_site_manager,
    reads_aggregates_only,
)
from orienta.core.models import Site, User
from orienta.core.types import AnyUser

_M = TypeVar("_M", bound=Model)


class AgentRecord(Protocol):
    """A record made at a site by an agent (a visit)."""

    @property
    def site_id(self) -> UUID: ...

    @property
    def agent_id(self) -> UUID | None: ...


def assigned_site_ids(user: User) -> list[UUID]:
    """The ids of the sites a user is assigned to, read once per user object (so once a
    request). Filtering on the ids themselves rather than on a subquery lets PostgreSQL plan
    with the site's own statistics and walk a (site, date) index in order, which a national
    registry needs; `forget_assigned_sites` drops the copy when the assignments change."""
    return sorted(site.pk for site in user.own_sites())


def forget_assigned_sites(sender: type[Model], instance: Model, action: str, **kwargs: Any) -> None:
    """m2m_changed on User.sites: the user object's copy of its site ids is out of date."""
    if action.startswith("post_") and hasattr(instance, "_own_sites"):
        del instance._own_sites


def site_filter(user: AnyUser | None, prefix: str = "") -> Q:
    """A filter on Site (or on a `site` relation through `prefix`) for the sites in scope."""
    field = prefix.rstrip("_") if prefix else "pk"
    if can_record(user):
        return Q(**{f"{field}__in": assigned_site_ids(user)})
    if coordinates_country(user):
        return Q(**{f"{prefix}country_id": user.country_id})
    if reads_aggregates_only(user):
        return Q()
    return Q(pk__in=[])


def personal_site_filter(user: AnyUser | None, prefix: str = "site__") -> Q:
    """Filter on a record that belongs to a site, for roles that may read personal data."""
    if not can_read_persons(user):
        return Q(pk__in=[])
    return site_filter(user, prefix)


def organisation_filter(user: AnyUser | None, prefix: str = "") -> Q:
    """Organisations (reached through `prefix`, e.g. "organisation__") a user works with: all
    for headquarters roles, a provider's own, the coordinator's country's, and for site staff
    those of the countries of their sites. Nobody's for an inactive or anonymous user."""
    if not is_active_user(user):
        return Q(pk__in=[])
    if reads_aggregates_only(user):
        return Q()
    if is_provider(user) or is_cso_staff(user):
        return Q(**{f"{prefix}pk": user.organisation_id})
    if coordinates_country(user):
        return Q(**{f"{prefix}country_id": user.country_id})
    # The countries of their sites, from the sites read once a request (no subquery to build).
    return Q(**{f"{prefix}country_id__in": sorted({s.country_id for s in user.own_sites()})})


def can_change_visit(user: AnyUser | None, visit: AgentRecord) -> bool:
    """Correcting or voiding a visit: its author, or a manager of its site, while they work
    at the visit's site."""
    return (
        can_record(user)
        and visit.site_id in assigned_site_ids(user)
        and (visit.agent_id == user.pk or is_site_manager(user))
    )


def writable_sites(user: AnyUser | None) -> QuerySet[Site]:
    if not can_record(user):
        return Site.objects.none()
    return user.sites.filter(deleted_at__isnull=True).order_by("code")


def writable_site_list(user: AnyUser | None) -> list[Site]:
    """The same sites as `writable_sites`, from the user's sites read once a request."""
    if not can_record(user):
        return []
    return [site for site in user.own_sites() if site.deleted_at is None]


def records_at_site(user: AnyUser | None, site_id: UUID | None) -> bool:
    """Whether the user records at this site: one of `writable_site_list`, so without a query
    (the services check it before every write)."""
    return any(site.pk == site_id for site in writable_site_list(user))


class ScopedQuerySet(QuerySet[_M]):
    """A queryset of records that belong to a site and hold personal data."""

    site_prefix = "site__"

    def visible_to(self, user: AnyUser | None) -> Self:
        return self.filter(personal_site_filter(user, self.site_prefix), deleted_at__isnull=True)

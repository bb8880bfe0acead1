"""Who sees results, of which scope, and whether small counts are hidden for them.

- country coordinator: their country (or one of its sites), every figure as counted, and the
  records behind a figure;
- site manager: their site(s) only, every figure as counted, and the records behind them;
- M&E / headquarters: every country, aggregates only — small counts suppressed, no records;
- agents, providers and administrators: no results pages (agents work on their day's list and
  the site's figures are their manager's; administrators configure and do not read what the
  records say, even in aggregate; providers see only their referrals).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from orienta.core.access import (
    coordinates_country,
    is_headquarters,
    manages_sites,
    opens_results_records,
    reads_results,
)
from orienta.core.models import Country, Site, User
from orienta.core.scoping import assigned_site_ids
from orienta.core.types import AnyUser
from orienta.lib.indicators import Scope


def may_see_results(user: AnyUser | None) -> bool:
    return reads_results(user)


def require_results(user: AnyUser | None) -> None:
    if not may_see_results(user):
        raise PermissionDenied


def suppresses_for(user: AnyUser | None) -> bool:
    """Small counts are hidden for every role that may not see the persons (M&E)."""
    return not opens_results_records(user)


def may_open_records(user: AnyUser | None) -> bool:
    return opens_results_records(user)


def _site(code: str) -> Site:
    site = Site.objects.filter(code=code, deleted_at__isnull=True).select_related("country")
    found = site.first()
    if found is None:
        raise ValueError(_("There is no site “%(code)s”.") % {"code": code[:20]})
    return found


def scope_for(user: AnyUser, country: str = "", site: str = "") -> Scope:
    """The scope asked for (country and site codes, either may be empty), checked against the
    user's: ValueError (translated) for a code that names nothing, Http404 for a place out of
    the user's scope. Left empty, a coordinator's scope is their country, a manager's their
    first site, M&E's every country."""
    country, site = (country or "").strip().upper(), (site or "").strip().upper()
    if country and not Country.objects.filter(code=country).exists():
        raise ValueError(_("There is no country “%(code)s”.") % {"code": country[:20]})
    found = _site(site) if site else None
    if found and country and found.country.code != country:
        raise ValueError(
            _("The site %(site)s is not in %(country)s.") % {"site": site, "country": country}
        )
    if manages_sites(user):
        return _manager_scope(user, country, found)
    if coordinates_country(user):
        return _coordinator_scope(user, country, found)
    if found:
        return Scope(country=found.country.code, site=found.code)
    return Scope(country=country or None)


def _manager_scope(user: User, country: str, found: Site | None) -> Scope:
    """A site manager's: the site asked for if it is theirs, else their first site."""
    ids = assigned_site_ids(user)
    if found is None:
        found = (
            Site.objects.filter(pk__in=ids, deleted_at__isnull=True)
            .order_by("code")
            .select_related("country")
            .first()
        )
        if found is None:
            raise PermissionDenied
    if found.pk not in ids or (country and country != found.country.code):
        raise Http404
    return Scope(country=found.country.code, site=found.code)


def _coordinator_scope(user: User, country: str, found: Site | None) -> Scope:
    """A coordinator's: their country, or one of its sites."""
    if user.country_id is None:  # a coordinator not yet given a country sees nothing
        raise PermissionDenied
    mine = Country.objects.filter(pk=user.country_id).values_list("code", flat=True).first()
    if (country and country != mine) or (found and found.country.code != mine):
        raise Http404
    return Scope(country=mine, site=found.code if found else None)


def choosable_sites(user: AnyUser) -> list[Site]:
    """The sites the user may choose among on the results pages."""
    sites = Site.objects.filter(deleted_at__isnull=True).select_related("country")
    if manages_sites(user):
        return list(sites.filter(pk__in=assigned_site_ids(user)))
    if coordinates_country(user):
        if user.country_id is None:
            return []
        return list(sites.filter(country_id=user.country_id))
    return list(sites)


def choosable_countries(user: AnyUser) -> list[Country]:
    if is_headquarters(user):
        return list(Country.objects.filter(sites__isnull=False).distinct().order_by("code"))
    return []

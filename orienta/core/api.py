"""API routes of core: sites; and the site a record is written at (the token route is the
accounts app's)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext
from ninja import Router, Schema

from orienta.core.access import can_record
from orienta.core.models import Site
from orienta.core.scoping import writable_sites
from orienta.core.types import AnyUser, ApiRequest
from orienta.lib.api.errors import field_error

router = Router(tags=["core"])


class SiteOut(Schema):
    id: UUID
    code: str
    name: str
    country: str
    timezone: str
    address: str
    opening_hours: str

    @staticmethod
    def resolve_country(obj: Site) -> str:
        return obj.country.code


@router.get("/sites", response=list[SiteOut], summary="Sites in scope")
def site_list(request: ApiRequest) -> QuerySet[Site]:
    """The sites the caller works on (all sites for headquarters roles)."""
    return Site.objects.visible_to(request.auth).select_related("country").order_by("code")


def require_recorder(user: AnyUser) -> None:
    """Registering and recording are the work of a site's staff; others get a 403."""
    if not can_record(user):
        raise PermissionDenied


def writable_site(user: AnyUser, code: str | None) -> Site:
    """The site named by `code` among those the user records at, or their only site.

    A user who cannot record gets PermissionDenied; an unknown or foreign site, or a missing one
    when the user works at several, is a 422 on the field `site`.
    """
    require_recorder(user)
    sites = writable_sites(user).select_related("country")
    if code:
        site = sites.filter(code=code.strip().upper()).first()
        if site is None:
            raise field_error(
                "site",
                gettext("This site does not exist, or you cannot record at it."),
                "invalid_choice",
            )
        return site
    found = list(sites[:2])
    if not found:
        raise PermissionDenied
    if len(found) > 1:
        raise field_error(
            "site",
            gettext("You work at more than one site: give the code of the site."),
            "required",
        )
    return found[0]

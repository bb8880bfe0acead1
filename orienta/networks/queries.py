"""The reads of the networks, all scoped by country: a record out of scope is a 404.

Who reads what (the predicates of `orienta.core.access`):
- the resource centre (documents, support to CSOs): every account but a provider's, for the
  countries it works in (a document without a country is for every country); a CSO's staff
  reads the library of its country and the support given to its own organisation;
- the GTPS: site staff (the countries of their sites), coordinators (their country), M&E and
  administrators (all); a CSO's staff reads a group only when its organisation is a member of
  it, and never another country's;
- the diagnostics: site staff, coordinators, M&E and administrators, by country; not a CSO's
  staff nor a provider.
Writing is `manages_networks(user, country_id)`: the country's coordinator, M&E, administrators.
"""

from collections.abc import Sequence
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet

from orienta.core.access import (
    can_record,
    coordinates_country,
    is_active_user,
    is_cso_staff,
    manages_networks,
    reads_aggregates_only,
    reads_networks,
    reads_resource_centre,
)
from orienta.core.models import Country, Organisation
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.networks.models import (
    Action,
    ActionUpdate,
    Document,
    Group,
    Meeting,
    Member,
    Study,
    Support,
    SupportParticipant,
)

# The longest list a page or an export shows.
LIMIT = 200


def user_country_ids(user: AnyUser | None) -> list[UUID] | None:
    """The countries a user works in; None for every country (M&E, administrators)."""
    if not is_active_user(user):
        return []
    if reads_aggregates_only(user):
        return None
    if coordinates_country(user):
        return [user.country_id] if user.country_id else []
    if can_record(user):
        return sorted({site.country_id for site in user.own_sites()})
    if is_cso_staff(user) and user.organisation_id:
        country = Organisation.objects.filter(pk=user.organisation_id).values("country_id")
        return [row["country_id"] for row in country]
    return []


def country_filter(user: AnyUser | None, prefix: str = "") -> Q:
    ids = user_country_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{prefix}country_id__in": ids})


def countries_managed(user: AnyUser | None) -> QuerySet[Country]:
    """The countries whose networks the user manages (the choices of a new record)."""
    if not manages_networks(user):
        return Country.objects.none()
    ids = user_country_ids(user)
    found = Country.objects.all() if ids is None else Country.objects.filter(pk__in=ids)
    return found.order_by("code")


def organisations_for(
    user: AnyUser | None, country_id: UUID | None = None
) -> QuerySet[Organisation]:
    """The organisations a manager may name (a member, a lead, a partner): those of the
    countries in reach, of the country `country_id` when it is given."""
    found = Organisation.objects.filter(country_filter(user), deleted_at__isnull=True)
    if country_id is not None:
        found = found.filter(country_id=country_id)
    return found.select_related("country").order_by("name")


# The resource centre
# =============================================================================================


def documents(
    user: AnyUser | None, *, text: str = "", theme: str = "", language: str = "", kind: str = ""
) -> QuerySet[Document]:
    if not reads_resource_centre(user):
        return Document.objects.none()
    ids = user_country_ids(user)
    scope = Q() if ids is None else Q(country__isnull=True) | Q(country_id__in=ids)
    found = Document.objects.filter(scope, deleted_at__isnull=True)
    if text:
        found = found.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if theme:
        found = found.filter(theme=theme)
    if language:
        found = found.filter(language=language)
    if kind:
        found = found.filter(kind=kind)
    return found.select_related("country")


def document_for(user: AnyUser | None, pk: UUID | str) -> Document:
    found = documents(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("document", pk)
    return found


def supports(user: AnyUser | None) -> QuerySet[Support]:
    if not reads_resource_centre(user):
        return Support.objects.none()
    found = Support.objects.filter(country_filter(user), deleted_at__isnull=True)
    if is_cso_staff(user):
        found = found.filter(organisations=user.organisation_id)
    return found.select_related("country").annotate(
        attendance=Count(
            "participants", filter=Q(participants__deleted_at__isnull=True), distinct=True
        )
    )


def support_for(user: AnyUser | None, pk: UUID | str) -> Support:
    found = supports(user).filter(pk=pk).prefetch_related("organisations").first()
    if found is None:
        raise OutOfScope("support", pk)
    return found


def reads_attendance_names(user: AnyUser | None) -> bool:
    """Who reads the names of those who attended a training or coaching (CSO staff: persons):
    the coordinators (their country) and a CSO's staff (its own people). M&E, administrators
    and site staff get the counts by sex only. The one rule of the page, the XLSX export and
    the API."""
    return coordinates_country(user) or is_cso_staff(user)


def participants_of(
    user: AnyUser | None, supports: Sequence[Support]
) -> dict[UUID, list[SupportParticipant]]:
    """The participants of each support (already in the user's scope) the user counts: all of
    them, but a CSO's staff counts and sees its own people only."""
    found = SupportParticipant.objects.filter(
        support__in=[s.pk for s in supports], deleted_at__isnull=True
    ).select_related("organisation")
    if is_cso_staff(user):
        # is_cso_staff holds only with an organisation; an account without one sees nobody.
        found = found.filter(organisation_id=user.organisation_id or UUID(int=0))
    by_support: dict[UUID, list[SupportParticipant]] = {s.pk: [] for s in supports}
    for p in found.order_by("created_at", "pk"):
        by_support[p.support_id].append(p)
    return by_support


# GTPS
# =============================================================================================


def reads_gtps(user: AnyUser | None) -> bool:
    return reads_networks(user) or is_cso_staff(user)


def groups(user: AnyUser | None) -> QuerySet[Group]:
    if not reads_gtps(user):
        return Group.objects.none()
    found = Group.objects.filter(country_filter(user), deleted_at__isnull=True)
    if is_cso_staff(user) and not reads_networks(user):
        # A CSO's staff: the groups its organisation is a member of, nothing else.
        organisation = user.organisation_id
        if organisation is None:
            return Group.objects.none()
        member_of = Member.objects.filter(organisation_id=organisation, deleted_at__isnull=True)
        found = found.filter(pk__in=member_of.values("group_id"))
    return found.select_related("country", "area")


def group_list(user: AnyUser | None) -> list[Group]:
    return list(
        groups(user).annotate(
            member_count=Count(
                "members", filter=Q(members__deleted_at__isnull=True), distinct=True
            ),
            meeting_count=Count(
                "meetings",
                filter=Q(meetings__deleted_at__isnull=True, meetings__status="held"),
                distinct=True,
            ),
        )[:LIMIT]
    )


def group_for(user: AnyUser | None, pk: UUID | str) -> Group:
    found = groups(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("gtps_group", pk)
    return found


def members_of(group: Group) -> list[Member]:
    return list(group.members.filter(deleted_at__isnull=True).select_related("organisation"))


def members(user: AnyUser | None) -> QuerySet[Member]:
    """The members of the groups in the user's scope (a removed member is left out)."""
    return Member.objects.filter(
        group__in=groups(user).values("pk"), deleted_at__isnull=True
    ).select_related("group", "group__country", "organisation")


def member_for(user: AnyUser | None, pk: UUID | str) -> Member:
    found = members(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("gtps_member", pk)
    return found


def meetings(user: AnyUser | None) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        group__in=groups(user).values("pk"), deleted_at__isnull=True
    ).select_related("group", "group__country")


def meetings_of(group: Group) -> list[Meeting]:
    return list(group.meetings.filter(deleted_at__isnull=True)[:LIMIT])


def meeting_for(user: AnyUser | None, pk: UUID | str) -> Meeting:
    found = (
        meetings(user)
        .filter(pk=pk)
        .prefetch_related(Prefetch("attendees", queryset=Member.objects.all()))
        .first()
    )
    if found is None:
        raise OutOfScope("gtps_meeting", pk)
    return found


def actions(user: AnyUser | None) -> QuerySet[Action]:
    return Action.objects.filter(
        group__in=groups(user).values("pk"), deleted_at__isnull=True
    ).select_related("group", "group__country", "lead", "meeting")


def actions_of(group: Group) -> list[Action]:
    return list(group.actions.filter(deleted_at__isnull=True).select_related("lead")[:LIMIT])


def action_for(user: AnyUser | None, pk: UUID | str) -> Action:
    found = actions(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("gtps_action", pk)
    return found


def history_of(action: Action) -> list[ActionUpdate]:
    return list(action.updates.filter(deleted_at__isnull=True).select_related("created_by"))


def attendee_ids(meeting: Meeting) -> Sequence[UUID]:
    return [member.pk for member in meeting.attendees.all()]


# Diagnostics
# =============================================================================================


def studies(user: AnyUser | None) -> QuerySet[Study]:
    if not reads_networks(user):
        return Study.objects.none()
    return (
        Study.objects.filter(country_filter(user), deleted_at__isnull=True)
        .select_related("country", "area")
        .annotate(
            response_count=Count(
                "responses", filter=Q(responses__deleted_at__isnull=True), distinct=True
            )
        )
    )


def study_for(user: AnyUser | None, pk: UUID | str) -> Study:
    found = studies(user).filter(pk=pk).prefetch_related("partners").first()
    if found is None:
        raise OutOfScope("diagnostic", pk)
    return found

"""Reads of the families app: access helpers, the priority list, due reassessments, a
household's history side by side, what may be linked to a plan."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    Field,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from orienta.cases.models import Case as CaseRecord
from orienta.cases.models import FollowUp
from orienta.cases.queries import site_today
from orienta.core.models import Site
from orienta.core.scoping import writable_sites
from orienta.core.types import AnyUser
from orienta.families import scoring
from orienta.families.access import reads_instruments, works_on_families
from orienta.families.models import (
    CATEGORY_RANK,
    Assessment,
    Enrolment,
    Goal,
    Instrument,
    PlanAction,
    Status,
)
from orienta.fund.models import FundRequest
from orienta.lib.errors import OutOfScope
from orienta.lib.indicators import years_before
from orienta.people.models import Household, HouseholdMember, MigrationStatus, Person, Relationship
from orienta.referrals.models import Referral

PAGE_SIZE = 25
HISTORY = 4  # assessments side by side on the household page
DISPLACED = (MigrationStatus.IDP, MigrationStatus.REFUGEE, MigrationStatus.ASYLUM_SEEKER)
WG_FIELDS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_cognition",
    "wg_selfcare",
    "wg_communication",
)
FILTERS = ("female_head_alone", "children_under_5", "disability", "displaced")


def family_sites(user: AnyUser) -> QuerySet[Site]:
    """The sites whose families the user works on (their own, for site staff)."""
    if not works_on_families(user):
        return Site.objects.none()
    return writable_sites(user)


def households(user: AnyUser) -> QuerySet[Household]:
    return Household.objects.filter(site__in=family_sites(user), deleted_at__isnull=True)


def household_for(user: AnyUser, pk: UUID | str) -> Household:
    """The household if the user works on its site's families, else 404."""
    found = households(user).filter(pk=pk).select_related("site", "site__country").first()
    if found is None:
        raise OutOfScope("household", pk)
    return found


def household_by_code_for(user: AnyUser, code: str) -> Household | None:
    found: Household | None = households(user).filter(code=code).select_related("site").first()
    return found


def assessments(user: AnyUser) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user)


def enrolments(user: AnyUser) -> QuerySet[Enrolment]:
    return Enrolment.objects.visible_to(user)


def enrolment_for(user: AnyUser, pk: UUID | str) -> Enrolment:
    found = enrolments(user).filter(pk=pk).select_related("site", "household").first()
    if found is None:
        raise OutOfScope("enrolment", pk)
    return found


def goal_for(user: AnyUser, pk: UUID | str) -> Goal:
    found = (
        Goal.objects.filter(site__in=family_sites(user), pk=pk, deleted_at__isnull=True)
        .select_related("site", "enrolment", "enrolment__site", "enrolment__household")
        .first()
    )
    if found is None:
        raise OutOfScope("goal", pk)
    return found


def instruments(user: AnyUser) -> QuerySet[Instrument]:
    """Every country's instruments (configuration, no personal data), for staff roles."""
    if not reads_instruments(user):
        return Instrument.objects.none()
    return Instrument.objects.filter(deleted_at__isnull=True).select_related("country")


def instrument_for(user: AnyUser, pk: UUID | str) -> Instrument:
    found = instruments(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope("instrument", pk)
    return found


def current_instruments(site: Site) -> QuerySet[Instrument]:
    return Instrument.objects.current().filter(country_id=site.country_id).order_by("code")


# The priority list
# =============================================================================================


def _members(**conditions: Any) -> Exists:
    return Exists(
        HouseholdMember.objects.filter(
            household=OuterRef("pk"), left_on__isnull=True, deleted_at__isnull=True, **conditions
        )
    )


def _filter(name: str, today: date) -> Q:
    if name == "female_head_alone":
        return Q(
            _members(relationship=Relationship.HEAD, person__sex="female"),
            ~_members(relationship=Relationship.SPOUSE),
        )
    if name == "children_under_5":
        return Q(_members(person__birth_date__gt=years_before(today, 5)))
    if name == "disability":
        wg = Q()
        for field in WG_FIELDS:
            wg |= Q(**{f"person__{field}__gte": 3})
        return Q(
            Exists(
                HouseholdMember.objects.filter(wg, household=OuterRef("pk"), left_on__isnull=True)
            )
        )
    if name == "displaced":
        return Q(_members(person__migration_status__in=DISPLACED))
    raise ValueError(name)


LATEST_FIELDS: "dict[str, Field[Any, Any]]" = {
    "score": DecimalField(max_digits=4, decimal_places=1),
    "category": CharField(),
    "assessed_on": DateField(),
}


def _latest(field: str) -> Subquery:
    return Subquery(
        Assessment.objects.filter(household=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-assessed_on", "-created_at")
        .values(field)[:1],
        output_field=LATEST_FIELDS[field],
    )


def priority_list(
    user: AnyUser, site: Site, *, filters: tuple[str, ...] = (), category: str = ""
) -> QuerySet[Household]:
    """The site's assessed households, the most vulnerable first (category, then score), each
    with its latest assessment's `latest_score`, `latest_category`, `latest_on`, and whether it
    is accompanied. Only this site's: never across sites."""
    if site not in family_sites(user):
        return Household.objects.none()
    rank = Case(
        *[When(latest_category=code, then=Value(n)) for code, n in CATEGORY_RANK.items()],
        default=Value(-1),
        output_field=IntegerField(),
    )
    qs = (
        households(user)
        .filter(site=site)
        .annotate(
            latest_score=_latest("score"),
            latest_category=_latest("category"),
            latest_on=_latest("assessed_on"),
            accompanied=Exists(
                Enrolment.objects.filter(
                    household=OuterRef("pk"), status=Status.ACTIVE, deleted_at__isnull=True
                )
            ),
        )
        .filter(latest_on__isnull=False)
        .annotate(rank=rank)
    )
    today = site_today(site)
    for name in filters:
        qs = qs.filter(_filter(name, today))
    if category:
        qs = qs.filter(latest_category=category)
    return qs.order_by("-rank", "-latest_score", "code")


def heads(household_ids: list[UUID]) -> dict[UUID, Person]:
    """The current head of each household (one query)."""
    rows = HouseholdMember.objects.filter(
        household_id__in=household_ids, relationship=Relationship.HEAD, left_on__isnull=True
    ).select_related("person")
    return {row.household_id: row.person for row in rows}


def due_reassessments(user: AnyUser, sites: list[Site], on: date) -> QuerySet[Enrolment]:
    """Accompanied households whose reassessment is due on `on` or before."""
    return (
        enrolments(user)
        .filter(site__in=sites, status=Status.ACTIVE, next_due_on__lte=on)
        .select_related("household", "site")
        .order_by("next_due_on", "household__code")
    )


# A household's page
# =============================================================================================


@dataclass
class HistoryRow:
    code: str
    name: str
    cells: list[dict[str, Any] | None]


def history(household: Household) -> tuple[list[Assessment], list[HistoryRow]]:
    """The last assessments, oldest first, and one row per dimension of the latest one's
    instrument with each assessment's result for that dimension (None if it had none)."""
    found = list(
        household.assessments.filter(deleted_at__isnull=True)
        .select_related("instrument", "assessor", "respondent")
        .order_by("-assessed_on", "-created_at")[:HISTORY]
    )
    found.reverse()
    if not found:
        return [], []
    dims = found[-1].instrument.parsed().dimensions
    rows = [HistoryRow(d.code, d.name, [a.dimensions.get(d.code) for a in found]) for d in dims]
    return found, rows


def answered(assessment: Assessment) -> list[tuple[str, str, str]]:
    """(dimension, question, answer) of an assessment, in its instrument's words."""
    definition: scoring.Definition = assessment.instrument.parsed()
    lines = []
    for dim, indicator in definition.indicators():
        option = indicator.option(str(assessment.answers.get(indicator.code, "")))
        lines.append((dim.name, indicator.name, option.name if option else "—"))
    return lines


def active_enrolment(household: Household) -> Enrolment | None:
    found: Enrolment | None = (
        household.enrolments.filter(status=Status.ACTIVE, deleted_at__isnull=True)
        .select_related("site")
        .first()
    )
    return found


def past_enrolments(household: Household) -> list[Enrolment]:
    return list(
        household.enrolments.filter(status=Status.EXITED, deleted_at__isnull=True).order_by(
            "-exited_on"
        )[:10]
    )


def plan(enrolment: Enrolment) -> tuple[list[Goal], list[PlanAction]]:
    goals = list(enrolment.goals.filter(deleted_at__isnull=True).order_by("created_at"))
    actions = list(
        enrolment.actions.filter(deleted_at__isnull=True)
        .select_related(
            "goal",
            "referral",
            "referral__service",
            "referral__person",
            "fund_request",
            "fund_request__person",
            "followup",
            "followup__case",
            "followup__case__person",
        )
        .order_by("created_at")
    )
    return goals, actions


LINKABLE_LIMIT = 30


def linkable(user: AnyUser, household: Household) -> dict[str, list[Any]]:
    """The referrals, fund requests and follow-ups of the household's current members that the
    user may see, the latest first, for the plan's "link" form."""
    people = HouseholdMember.objects.filter(household=household, left_on__isnull=True).values(
        "person"
    )
    return {
        "referral": list(
            Referral.objects.visible_to(user)
            .filter(person__in=people, site_id=household.site_id)
            .select_related("service", "person")
            .order_by("-created_at")[:LINKABLE_LIMIT]
        ),
        "fund_request": list(
            FundRequest.objects.visible_to(user)
            .filter(person__in=people, site_id=household.site_id)
            .select_related("person")
            .order_by("-created_at")[:LINKABLE_LIMIT]
        ),
        "followup": list(
            FollowUp.objects.filter(
                case__in=CaseRecord.objects.visible_to(user).values("pk"),
                case__person__in=people,
                site_id=household.site_id,
            )
            .select_related("case", "case__person")
            .order_by("-created_at")[:LINKABLE_LIMIT]
        ),
    }

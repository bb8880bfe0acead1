"""Reads on referrals: access helpers, what a provider may see, who may do what, metrics."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.cases.models import Case as CaseRecord
from orienta.cases.models import CaseAction
from orienta.cases.queries import action_for, case_for, initials, masked_person_ids
from orienta.cases.services import can_change
from orienta.core.access import can_record, is_provider
from orienta.core.models import Site, User
from orienta.core.scoping import records_at_site, site_filter, writable_sites
from orienta.core.types import AnyUser
from orienta.directory.models import Service
from orienta.frontdesk.models import Visit
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person
from orienta.people.queries import person_for
from orienta.referrals.models import (
    ANSWERED_STATUSES,
    OPEN_STATUSES,
    Referral,
    SharedField,
    Status,
)

RELATED = ("person", "service", "service__organisation", "site", "sent_by", "case")


# The columns a referral's line shows everywhere ({% referral_lines %}: the worklist's panel,
# the list page), each adding its dates and relations: a person's row is wide.
LINE_FIELDS = (
    "id",
    "code",
    "status",
    "person_id",
    "person__given_name",
    "person__family_name",
    "person__erased_at",
    "service__name",
)


def referral_for(user: AnyUser, pk: UUID | str) -> Referral:
    """The referral with this id in the user's scope (sensitive cases included), else 404."""
    found = Referral.objects.visible_to(user).filter(pk=pk).select_related(*RELATED).first()
    if found is None:
        raise OutOfScope("referral", pk)
    return found


# In a list's status filter: every referral still waiting for the provider's answer.
AWAITING = "awaiting"


def referral_list(
    user: AnyUser,
    *,
    status: str = "",
    person: Person | None = None,
    site_ids: Iterable[UUID] | None = None,
) -> QuerySet[Referral]:
    qs = Referral.objects.visible_to(user).select_related(*RELATED)
    if status == AWAITING:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if person is not None:
        qs = qs.filter(person=person)
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    return qs.order_by("-sent_at")


# Sending: where a referral comes from and which site sends it
# =============================================================================================


def origin_belongs(
    *,
    person: Person,
    case: CaseRecord | None = None,
    action: CaseAction | None = None,
    visit: Visit | None = None,
) -> bool:
    """A referral's case, case action and visit must be the person's (and the action the
    case's, when both are given)."""
    case = case or (action.case if action is not None else None)
    return not (
        (case is not None and case.person_id != person.pk)
        or (action is not None and case is not None and action.case_id != case.pk)
        or (visit is not None and visit.person_id != person.pk)
    )


def referral_origin(
    user: AnyUser,
    *,
    person: UUID | str,
    case: UUID | str | None = None,
    action: UUID | str | None = None,
    visit: UUID | str | None = None,
) -> tuple[Person, CaseRecord | None, CaseAction | None, Visit | None]:
    """The person, case, case action and visit (ids) a referral comes from, each in the user's
    scope and the person's: `(person, case, action, visit)`, else OutOfScope (a 404 logged as
    a refusal about the person asked for). The action's case is the case when only the action
    is given."""
    refused = OutOfScope("person", person, person_id=person)
    try:
        found_person = person_for(user, person)
        found_case = case_for(user, case) if case else None
        found_action = action_for(user, action) if action else None
        found_visit = (
            Visit.objects.visible_to(user).current().filter(pk=visit).first() if visit else None
        )
    except (ValidationError, Http404):  # out of scope, or an id that is not a UUID
        raise refused from None
    found_case = found_case or (found_action.case if found_action else None)
    if visit and found_visit is None:
        raise refused
    if not origin_belongs(
        person=found_person, case=found_case, action=found_action, visit=found_visit
    ):
        raise refused
    return found_person, found_case, found_action, found_visit


def sending_site(
    user: User,
    *,
    person: Person,
    case: CaseRecord | None = None,
    visit: Visit | None = None,
    code: str | None = "",
) -> Site | None:
    """The site a referral is sent from, among those the user records at: the one named by
    `code` (the API may name it; None if the user does not record there), else the case's, the
    visit's or the person's site. A referral from a case or visit of a site the user does not
    record at, or from a case the user may not change (a sensitive case opened by breaking the
    glass), is refused (403); a person of another site is referred from the user's first site."""
    if case is not None and not can_change(user, case):
        raise PermissionDenied
    sites = writable_sites(user)
    if code:
        return sites.filter(code=code.strip().upper()).first()
    for candidate in (case and case.site_id, visit and visit.site_id, person.site_id):
        if candidate and sites.filter(pk=candidate).exists():
            return sites.get(pk=candidate)
    if case or visit:
        raise PermissionDenied
    return sites.select_related("country").first()


def label_persons(user: AnyUser, referrals: Iterable[Referral]) -> list[Referral]:
    """The referrals, each with `person_label`: the person's name, or only initials when the
    person has a sensitive case the user may not see (as the lists of cases do)."""
    referrals = list(referrals)
    masked = masked_person_ids(user, [r.person_id for r in referrals])
    for r in referrals:
        r.person_label = initials(r.person) if r.person_id in masked else r.person.full_name
    return referrals


def mark_masked(user: AnyUser, referrals: Iterable[Referral]) -> list[Referral]:
    """The referrals, each with `masked` set when the person has a sensitive case the user may
    not see: the API's lists then give the names shared as initials, as the pages do."""
    referrals = list(referrals)
    masked = masked_person_ids(user, [r.person_id for r in referrals])
    for r in referrals:
        r.masked = r.person_id in masked
    return referrals


def is_provider_of(user: User, referral: Referral) -> bool:
    return (
        is_provider(user)
        and user.organisation_id is not None
        and referral.service.organisation_id == user.organisation_id
    )


def records_at(user: User, referral: Referral) -> bool:
    """Site staff of the referral's site: they send, cancel, print and record outcomes. For a
    referral from a case, only those who may change the case (breaking the glass on a sensitive
    case opens it for reading only)."""
    if not (can_record(user) and records_at_site(user, referral.site_id)):
        return False
    return referral.case is None or can_change(user, referral.case)


def may_answer(user: User, referral: Referral) -> bool:
    """Accept, decline, serve, not served: the provider, or the site's staff at follow-up."""
    return is_provider_of(user, referral) or records_at(user, referral)


def shared_data(referral: Referral, today: date | None = None) -> list[tuple[str, str]]:
    """The person's data the provider receives: (label, value) for each field chosen."""
    person = referral.person
    # Each value is worked out only if the referral shares it (an API page lists fifty).
    values: dict[str, Callable[[], object]] = {
        SharedField.GIVEN_NAME: lambda: person.given_name,
        SharedField.FAMILY_NAME: lambda: person.family_name,
        SharedField.SEX: person.get_sex_display,
        SharedField.AGE: lambda: _age_text(person.age_on(today or timezone.localdate())),
        SharedField.PHONE: lambda: person.phone,
        SharedField.DOCUMENTS: lambda: ", ".join(person.document_labels()),
    }
    labels = dict(SharedField.choices)
    return [
        (str(labels[f]), str(values[f]() or "—"))
        for f in SharedField.values
        if f in referral.shared_fields
    ]


def _age_text(age: int | None) -> str:
    return "" if age is None else str(age)


def awaiting(
    user: AnyUser, site_ids: Iterable[UUID], visible: QuerySet[Referral] | None = None
) -> QuerySet[Referral]:
    """Open referrals of these sites, the oldest answer due first; among `visible` when given
    (`Referral.objects.visible_to(user)` already built: the worklist shows two lists)."""
    visible = Referral.objects.visible_to(user) if visible is None else visible
    return (
        visible.filter(site_id__in=site_ids, status__in=OPEN_STATUSES)
        .select_related("person", "service", "service__organisation")
        .order_by("answer_due_at")
    )


def recently_served(
    user: AnyUser,
    site_ids: Iterable[UUID],
    days: int = 14,
    visible: QuerySet[Referral] | None = None,
) -> QuerySet[Referral]:
    """Referrals of these sites served in the last `days`, the latest first (see `awaiting`)."""
    since = timezone.now() - timedelta(days=days)
    visible = Referral.objects.visible_to(user) if visible is None else visible
    return (
        visible.filter(site_id__in=site_ids, status=Status.SERVED, served_at__gte=since)
        .select_related("person", "service")
        .order_by("-served_at")
    )


# Metrics
# =============================================================================================


def metrics_scope(user: AnyUser) -> QuerySet[Referral]:
    """Referrals counted for a manager (their sites), coordinator (country), M&E (all).

    Counts only: no person is shown. Sensitive cases count too (aggregates keep counts true).
    """
    return Referral.objects.filter(site_filter(user, "site__"), deleted_at__isnull=True)


def referral_metrics(user: AnyUser, *, months: int = 6, month: str = "") -> dict[str, Any]:
    """Sent, answered, served and median days to service, by month, and by service/provider
    (over the whole period, or over one `month`, "YYYY-MM")."""
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        metrics_scope(user)
        .filter(sent_at__date__gte=start)
        .values_list(
            "sent_at",
            "status",
            "served_at",
            "service__name",
            "service__organisation__name",
        )
    )
    by_month: defaultdict[str, _Tally] = defaultdict(_Tally)
    by_service: defaultdict[tuple[str, str], _Tally] = defaultdict(_Tally)
    total = _Tally()
    for sent_at, status, served_at, service, provider in rows:
        sent_on = timezone.localtime(sent_at).date()
        sent_month = sent_on.strftime("%Y-%m")
        by_month[sent_month].first_day = sent_on.replace(day=1)  # shown in the user's language
        by_month[sent_month].add(sent_at, status, served_at)
        total.add(sent_at, status, served_at)
        if not month or month == sent_month:
            by_service[(provider, service)].add(sent_at, status, served_at)
    return {
        "months": sorted(by_month.items(), reverse=True),
        "services": sorted(by_service.items(), key=lambda kv: (kv[0][0], kv[0][1])),
        "total": total,
        "since": start,
        "month": month,
        "month_first_day": _first_day(month),
    }


def _first_day(month: str) -> date | None:
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError:
        return None


class _Tally:
    def __init__(self) -> None:
        self.first_day: date | None = None
        self.sent = 0
        self.answered = 0
        self.served = 0
        self.days: list[float] = []

    def add(self, sent_at: datetime, status: str, served_at: datetime | None) -> None:
        self.sent += 1
        if status in ANSWERED_STATUSES:
            self.answered += 1
        if status == Status.SERVED and served_at:
            self.served += 1
            self.days.append((served_at - sent_at).total_seconds() / 86400)

    @property
    def median_days(self) -> float | None:
        return round(median(self.days), 1) if self.days else None

    @property
    def served_share(self) -> int | None:
        return round(100 * self.served / self.sent) if self.sent else None


def services_for(
    user: AnyUser,
    site: Site,
    *,
    themes: Iterable[str] = (),
    q: str = "",
    keep: UUID | str | None = None,
) -> QuerySet[Service]:
    """Active services a referral from this site may go to (the site's country), of any of
    `themes` and matching `q` (with the service `keep` whatever the filter: the one already
    chosen). Those serving the site's area come first, then those that state no area, then the
    rest of the country; by name within each."""
    qs = Service.objects.visible_to(user).filter(
        status="active", organisation__country_id=site.country_id
    )
    if themes or q:
        chosen = Q()
        if themes:
            chosen &= Q(pk__in=Service.objects.filter(themes__code__in=themes).values("pk"))
        if q:
            chosen &= Q(name__icontains=q) | Q(organisation__name__icontains=q)
        qs = qs.filter(chosen | Q(pk=keep) if keep else chosen)
    return (
        qs.select_related("organisation")
        .annotate(nearness=_nearness(site))
        .order_by("nearness", "name")
    )


def _nearness(site: Site) -> Case:
    """0 for a service serving the site's area (a service area or a place in the site's
    region, or a permanence at the site), 1 for one that states no area, 2 for the others."""
    from orienta.core.models import Area
    from orienta.directory.models import Permanence, Service, ServiceAtLocation

    region = site.area.parent_id or site.area_id
    areas = Area.objects.filter(Q(pk=region) | Q(parent_id=region)).values("pk")
    served = Service.service_areas.through.objects.filter(service_id=OuterRef("pk"))
    near = (
        Q(Exists(served.filter(area_id__in=areas)))
        | Q(
            Exists(
                ServiceAtLocation.objects.filter(
                    service_id=OuterRef("pk"),
                    deleted_at__isnull=True,
                    location__area_id__in=areas,
                )
            )
        )
        | Q(
            Exists(
                Permanence.objects.filter(
                    service_id=OuterRef("pk"), site_id=site.pk, deleted_at__isnull=True
                )
            )
        )
    )
    return Case(
        When(near, then=Value(0)),
        When(Exists(served), then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def status_message(referral: Referral) -> str:
    return _("Referral %(code)s is %(status)s.") % {
        "code": referral.code,
        "status": str(Status(referral.status).label).lower(),
    }

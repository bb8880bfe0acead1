"""Reads on cases: access helpers, lists, the worklist, masking of names."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from orienta.cases.models import (
    ActionStatus,
    Case,
    CaseAccessGrant,
    CaseAction,
    CaseEvent,
    CaseSettings,
    FollowUp,
    FollowUpStatus,
    Status,
    visible_filter,
)
from orienta.core.access import SITE_STAFF_ROLES, is_agent, is_site_manager, manages_sites
from orienta.core.models import Site, User
from orienta.core.scoping import personal_site_filter
from orienta.core.types import AnyUser
from orienta.lib.errors import OutOfScope
from orienta.people.models import Person

# The lines of each worklist section shown on the worklist; the rest are a link away.
WORKLIST_LIMIT = 10
# The worklist's counts stop at COUNT_CAP ("500+"): a count past it reads no more rows, so a
# caseload of thousands costs the page what a caseload of five hundred does. A section's own
# page (`worklist_section`) pages through the whole list and gives its exact count.
COUNT_CAP = 500
GRANTS_LIMIT = 30
GRANTS_SHOWN_DAYS = 14


def case_for(user: AnyUser, pk: UUID | str) -> Case:
    """The case with this id if the user may see it now, else 404 (out of scope, or a sensitive
    case of someone else without a running break-the-glass access)."""
    case = (
        Case.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("site", "site__country", "person", "household", "responsible", "visit")
        .first()
    )
    if case is None:
        raise OutOfScope("case", pk)
    return case


def _scoped(user: AnyUser) -> QuerySet[Case]:
    """Cases in the user's site scope, before the sensitive rule."""
    return Case.objects.filter(personal_site_filter(user), deleted_at__isnull=True)


def case_in_scope(user: AnyUser, pk: UUID | str) -> Case | None:
    """The case by id within the user's site scope, whether or not its sensitivity hides it."""
    return _scoped(user).filter(pk=pk).select_related("site").first()


def case_by_code_in_scope(user: AnyUser, code: str) -> Case | None:
    return _scoped(user).filter(code=(code or "").strip().upper()).select_related("site").first()


def action_for(user: AnyUser, pk: UUID | str) -> CaseAction:
    action = (
        CaseAction.objects.filter(
            pk=pk, deleted_at__isnull=True, case__in=Case.objects.visible_to(user)
        )
        .select_related("case", "case__site", "case__person", "assignee")
        .first()
    )
    if action is None:
        raise OutOfScope("case_action", pk)
    return action


def followup_for(user: AnyUser, pk: UUID | str) -> FollowUp:
    found = (
        FollowUp.objects.filter(
            pk=pk, deleted_at__isnull=True, case__in=Case.objects.visible_to(user)
        )
        .select_related("case", "case__site", "case__person")
        .first()
    )
    if found is None:
        raise OutOfScope("followup", pk)
    return found


def case_list(
    user: AnyUser,
    *,
    status: str = "",
    q: str = "",
    person: Person | None = None,
    responsible: User | None = None,
) -> QuerySet[Case]:
    """Cases the user may see, newest first, optionally filtered."""
    cases = Case.objects.visible_to(user).select_related("person", "site", "responsible")
    if status in Status.values:
        cases = cases.filter(status=status)
    elif status == "active":
        cases = cases.exclude(status=Status.CLOSED)
    if person is not None:
        cases = cases.filter(person=person)
    if responsible is not None:
        cases = cases.filter(responsible=responsible)
    q = " ".join((q or "").split())
    if q:
        cond = Q(code__icontains=q)
        for token in q.split():
            cond |= Q(person__given_name__icontains=token) | Q(person__family_name__icontains=token)
        cases = cases.filter(cond)
    return cases.order_by("-opened_at")


def person_cases(user: AnyUser, person: Person) -> QuerySet[Case]:
    return (
        Case.objects.visible_to(user)
        .filter(person=person)
        .select_related("person", "responsible")
        .order_by("-opened_at")
    )


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("-at", "-id")


def case_actions(case: Case) -> QuerySet[CaseAction]:
    return case.actions.filter(deleted_at__isnull=True).select_related("assignee")


def case_followups(case: Case) -> QuerySet[FollowUp]:
    return case.followups.filter(deleted_at__isnull=True).select_related("agent")


def active_grant(user: User, case: Case) -> CaseAccessGrant | None:
    return (
        CaseAccessGrant.objects.filter(user=user, case=case, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def masked_person_ids(user: AnyUser | None, person_ids: Iterable[UUID | None]) -> set[UUID]:
    """Of these persons, those with a sensitive case the user may not see: lists show their
    initials only. One query."""
    ids = [pk for pk in person_ids if pk]
    if not ids or not (user and user.is_authenticated):
        return set()
    hidden = Case.objects.hidden_from(user).filter(person_id__in=ids)
    return set(hidden.values_list("person_id", flat=True))


def initials(person: Person) -> str:
    return "".join(
        f"{part[:1].upper()}." for part in (person.given_name, person.family_name) if part
    )


# The worklist
# =============================================================================================


@dataclass
class Section:
    key: str
    items: list[Any]
    count: int

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)

    @property
    def label(self) -> str:
        return count_label(self.count)


@dataclass
class Worklist:
    today: date
    sections: list[Section] = field(default_factory=list)
    grants: list[CaseAccessGrant] = field(default_factory=list)
    open_count: int = 0

    @property
    def open_label(self) -> str:
        return count_label(self.open_count)


def bounded_count(queryset: QuerySet[Any]) -> int:
    """How many rows, reading no more than COUNT_CAP + 1 of them."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def bounded_counts(querysets: list[QuerySet[Any]]) -> list[int]:
    """`bounded_count` of each queryset, all in one statement (a page of counts costs one
    round trip and one cursor, not one each): `SELECT (SELECT COUNT(*) FROM (... LIMIT 501)),
    ...`. The querysets are read from the same database."""
    if len(querysets) < 2:
        return [bounded_count(queryset) for queryset in querysets]
    parts, params = [], []
    for i, queryset in enumerate(querysets):
        rows = queryset.order_by().values_list("pk")[: COUNT_CAP + 1]
        sql, sql_params = rows.query.get_compiler(using=queryset.db).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) bounded_{i})")
        params.extend(sql_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return [int(count) for count in row]


def count_label(count: int) -> str:
    """A bounded count as the worklist shows it: "500+" past the cap."""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def site_today(site: Site) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(site.timezone)).date()


def counted(lists: list[tuple[list[Any] | None, QuerySet[Any]]], limit: int) -> list[int]:
    """The bounded count of each (first lines, queryset) pair: a list shorter than its limit
    is its own count; the others (and those with no lines read, None) are counted together,
    in one statement."""

    def known(items: list[Any] | None) -> bool:
        return items is not None and len(items) < limit

    counts = iter(bounded_counts([queryset for items, queryset in lists if not known(items)]))
    return [len(items) if items is not None and known(items) else next(counts)
            for items, _qs in lists]  # fmt: skip


def _open_case_filter(user: User, sites: list[Site], prefix: str = "") -> Q:
    """Open cases of these sites visible to the user (reached through `prefix`)."""
    return (
        visible_filter(user, prefix)
        & Q(**{f"{prefix}site__in": sites})
        & ~Q(**{f"{prefix}status": Status.CLOSED})
    )


def _cases_filter(user: User, sites: list[Site], agent: User | None, prefix: str = "") -> Q:
    """The open cases of a worklist (reached through `prefix`): an agent's own, or for a
    manager the chosen agent's, or all."""
    rule = _open_case_filter(user, sites, prefix)
    who = user if is_agent(user) else agent
    return rule & Q(**{f"{prefix}responsible": who}) if who is not None else rule


def _cases_of(user: User, sites: list[Site], agent: User | None = None) -> QuerySet[Case]:
    return Case.objects.filter(_cases_filter(user, sites, agent))


def _mine(user: User, agent: User | None) -> Q:
    """Actions of a worklist: the agent's own (assigned, or unassigned on their cases)."""
    who = agent if is_site_manager(user) else user
    if who is None:
        return Q()
    return Q(assignee=who) | Q(assignee__isnull=True, case__responsible=who)


def _no_contact_filter(sites: list[Site], settings_by_site: dict[UUID, int]) -> Q:
    now = timezone.now()
    cond = Q(pk__in=[])
    for site in sites:
        days = settings_by_site.get(site.pk)
        cond |= Q(site=site, last_contact_at__lt=now - timedelta(days=days or 30))
    return cond


def no_contact_days(sites: list[Site]) -> dict[UUID, int]:
    found = dict(
        CaseSettings.objects.filter(site__in=sites).values_list("site_id", "no_contact_days")
    )
    return {site.pk: found.get(site.pk, 30) for site in sites}


SECTIONS = ("due_today", "overdue", "followups", "no_contact")
# The columns a worklist line shows (`{% work_items %}`, `cases/templatetags/worklist.py`): a
# person's and a case's rows are wide, and a worklist reads forty lines of them on every visit.
PERSON_NAME = ("given_name", "family_name", "erased_at")
ACTION_FIELDS = (
    "what",
    "due_on",
    "case__code",
    *(f"case__person__{name}" for name in PERSON_NAME),
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)
FOLLOWUP_FIELDS = ("kind", "due_on", "case__code", *(f"case__person__{n}" for n in PERSON_NAME))
SILENT_FIELDS = ("code", "last_contact_at", *(f"person__{name}" for name in PERSON_NAME))
# ... and of a manager's break-the-glass line (a case's and a user's rows are wide).
USER_NAME = ("first_name", "last_name", "username")
GRANT_FIELDS = ("granted_at", "reason", "case__code", *(f"user__{name}" for name in USER_NAME))


def worklist_sections(
    user: User, sites: Iterable[Site], *, agent: User | None = None
) -> dict[str, QuerySet[Any]]:
    """The querysets of the worklist's sections, by key (see SECTIONS), unevaluated."""
    sites = list(sites)
    today = site_today(sites[0]) if sites else timezone.localdate()
    cases = _cases_of(user, sites, agent)
    # Actions and contacts are read through their own (site, status, due date) index; the
    # cases they belong to (joined for their code and person) only filter them: open, visible
    # to the user, on that join (a subquery of every open case cost more to build, to compile
    # and, at a busy site, to run).
    actions = (
        CaseAction.objects.filter(
            _open_case_filter(user, sites, "case__"),
            site__in=sites,
            status=ActionStatus.PLANNED,
            deleted_at__isnull=True,
        )
        .filter(_mine(user, agent))
        .select_related("case", "case__person", "assignee")
        .only(*ACTION_FIELDS)
    )
    followups = (
        FollowUp.objects.filter(
            site__in=sites,
            status=FollowUpStatus.PLANNED,
            due_on__lte=today,
            deleted_at__isnull=True,
        )
        .filter(_cases_filter(user, sites, agent, "case__"))
        .select_related("case", "case__person")
        .only(*FOLLOWUP_FIELDS)
        .order_by("due_on")
    )
    silent = (
        cases.filter(_no_contact_filter(sites, no_contact_days(sites)))
        .select_related("person")
        .only(*SILENT_FIELDS)
        .order_by("last_contact_at")
    )
    return {
        "due_today": actions.filter(due_on=today).order_by("case__code"),
        "overdue": actions.filter(due_on__lt=today).order_by("due_on"),
        "followups": followups,
        "no_contact": silent,
    }


def worklist(user: User, sites: Iterable[Site], *, agent: User | None = None) -> Worklist:
    """What is due today and overdue, contacts due, cases without contact for the site's number
    of days, each section its first WORKLIST_LIMIT lines and its count; for a manager, the
    break-the-glass accesses of the last days. A fixed number of queries, whatever the number
    of cases."""
    sites = list(sites)
    today = site_today(sites[0]) if sites else timezone.localdate()
    sections = worklist_sections(user, sites, agent=agent)
    shown: list[tuple[list[Any] | None, QuerySet[Any]]] = [
        (list(sections[key][:WORKLIST_LIMIT]), sections[key]) for key in SECTIONS
    ]
    # The open cases are always counted; a section shorter than its limit is its own count.
    open_count, *counts = counted([(None, _cases_of(user, sites, agent)), *shown], WORKLIST_LIMIT)
    result = Worklist(today=today, open_count=open_count)
    result.sections = [
        Section(key=key, items=items or [], count=count)
        for key, (items, _qs), count in zip(SECTIONS, shown, counts, strict=True)
    ]
    if manages_sites(user):
        since = timezone.now() - timedelta(days=GRANTS_SHOWN_DAYS)
        result.grants = list(
            CaseAccessGrant.objects.filter(site__in=sites, granted_at__gte=since)
            .select_related("case", "user")
            .only(*GRANT_FIELDS)
            .order_by("-granted_at")[:GRANTS_LIMIT]
        )
    return result


def site_agents(sites: Iterable[Site]) -> QuerySet[User]:
    return (
        User.objects.filter(sites__in=sites, role__in=SITE_STAFF_ROLES, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )

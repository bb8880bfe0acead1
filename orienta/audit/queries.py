"""Reading the access log: a person's entries for the accountable roles, the person-facing
account, and the check of the chain.

The log speaks of persons by id only; the registry resolves who a log is about (`LogSubject`,
made by `orienta.people.access_log.log_subject_for`) and serves the pages that show it."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import TypeGuard
from uuid import UUID

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext

from orienta.audit.models import GENESIS, AccessLogEntry, Action
from orienta.core.access import coordinates_country, reads_access_log, role_reach
from orienta.core.models import Role, Site, User
from orienta.core.types import AnyUser

# What the person-facing account counts as someone having looked at the record.
ACCOUNTED_ACTIONS = (Action.READ, Action.SEARCH, Action.EXPORT, Action.PRINT)


@dataclass(frozen=True)
class LogSubject:
    """The person a log is about, as much as the reader may see: the name only for readers of
    personal data (coordinators), the code and site for all."""

    pk: UUID
    code: str
    site_id: UUID
    site_code: str
    timezone: str
    language: str
    name: str | None
    ids: list[UUID] = field(default_factory=list)  # this record and those merged into it


def can_read_access_log(user: AnyUser | None) -> TypeGuard[User]:
    """Who answers for access to personal data: country coordinators for their country, M&E
    and headquarters for all. They read the log of a person; M&E never reads the person's data."""
    return reads_access_log(user)


def reads_log_details(user: AnyUser | None) -> bool:
    """Who reads the details of a person's log: the usernames, the addresses, and the free text
    (search texts, the reasons given for breaking the glass or exporting), which may name the
    person or others. Coordinators, who read personal data; M&E sees roles, site codes, dates
    and what was done, never a name."""
    return can_read_access_log(user) and coordinates_country(user)


def person_access_entries(subject: LogSubject) -> QuerySet[AccessLogEntry]:
    """Everything logged about the person, newest first."""
    return (
        AccessLogEntry.objects.filter(person__in=subject.ids)
        .select_related("site")
        .order_by("-seq")
    )


@dataclass(frozen=True)
class LogLine:
    """One entry of a person's log as its reader may see it: without `details`, the username,
    the address and the free text are left out (empty), whatever the entry holds."""

    at: datetime
    role_label: str
    site_code: str
    action_label: str
    object_label: str
    channel_label: str
    results: int | None
    status: int | None
    username: str = ""
    query: str = ""
    query_cleared: bool = False
    ip: str = ""


def log_lines(entries: Iterable[AccessLogEntry], *, details: bool) -> list[LogLine]:
    lines = []
    for e in entries:
        line = LogLine(
            at=e.at,
            role_label=e.role_label(),
            site_code=e.site.code if e.site_id and e.site else "",
            action_label=e.get_action_display(),
            object_label=e.object_label(),
            channel_label=e.get_channel_display(),
            results=e.results,
            status=e.status,
        )
        if details:
            line = replace(
                line, username=e.username, query=e.query, query_cleared=e.query_cleared, ip=e.ip
            )
        lines.append(line)
    return lines


@dataclass
class AccountLine:
    """One line of the person-facing account, worded for the person (in the active language)."""

    day: date
    role: str
    site: Site | None
    action: str
    object_type: str
    times: int

    @property
    def who(self) -> str:
        role = str(dict(Role.choices).get(self.role, self.role))
        reach = role_reach(self.role)
        if self.site is None or reach == "everywhere":
            return role
        if reach == "country":
            return gettext("%(role)s for %(country)s") % {
                "role": role,
                "country": self.site.country,
            }
        return gettext("%(role)s at %(office)s (%(organisation)s)") % {
            "role": role,
            "office": self.site.name,
            "organisation": self.site.organisation.name,
        }

    @property
    def what(self) -> str:
        if self.object_type == "access_log":
            return gettext("Checked who looked at your record")
        if self.object_type == "access_account":
            return gettext("Prepared this statement for you")
        if self.object_type == "household":
            return gettext("Looked at your household")
        labels: dict[str, str] = {
            Action.READ: gettext("Looked at your record"),
            Action.SEARCH: gettext("Looked through a list that includes you"),
            Action.EXPORT: gettext("Exported your data"),
            Action.PRINT: gettext("Printed your data"),
        }
        return labels.get(self.action, self.action)


def person_access_account(
    subject: LogSubject, tzinfo: tzinfo
) -> list[tuple[date, list[AccountLine]]]:
    """Who (role and office, never a name) looked at the person's record, on which day and how
    many times, by month, oldest first; days in `tzinfo`."""
    found = (
        AccessLogEntry.objects.filter(person__in=subject.ids, action__in=ACCOUNTED_ACTIONS)
        .annotate(day=TruncDate("at", tzinfo=tzinfo))
        .values("day", "role", "site_id", "action", "object_type")
        .annotate(times=Count("id"))
        .order_by("day", "role", "site_id", "action", "object_type")
    )
    rows = list(found)
    site_ids = {r["site_id"] for r in rows if r["site_id"]}
    sites = Site.objects.filter(pk__in=site_ids).select_related("organisation", "country")
    by_pk = {s.pk: s for s in sites}
    months: dict[date, list[AccountLine]] = {}
    for r in rows:
        line = AccountLine(
            day=r["day"],
            role=r["role"],
            site=by_pk.get(r["site_id"]),
            action=r["action"],
            object_type=r["object_type"],
            times=r["times"],
        )
        months.setdefault(r["day"].replace(day=1), []).append(line)
    return list(months.items())


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_seq: int | None = None
    broken_id: UUID | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def access_log_verify(chunk_size: int = 2000) -> ChainCheck:
    """Recompute the chain from the first entry: the first entry out of place, whose prev_hash
    is not the hash before it, or whose fields no longer give its hash, breaks it."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    for entry in AccessLogEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        reason = _broken(entry, expected_seq, prev_hash)
        if reason:
            return ChainCheck(count, entry.seq, entry.pk, reason)
        expected_seq, prev_hash, count = entry.seq + 1, entry.hash, count + 1
    return ChainCheck(count)


def _broken(entry: AccessLogEntry, expected_seq: int, prev_hash: str) -> str:
    if entry.seq == expected_seq + 1:
        return f"gap in seq: entry {expected_seq} is missing"
    if entry.seq != expected_seq:
        return f"gap in seq: entries {expected_seq} to {entry.seq - 1} are missing"
    if entry.prev_hash != prev_hash:
        return "prev_hash mismatch: it is not the hash of the entry before it"
    if entry.compute_hash() != entry.hash:
        return "hash mismatch: the entry's fields were changed after it was written"
    if not entry.query_matches():
        return "query mismatch: the text no longer gives the digest it was written with"
    return ""

"""Writes on cases. Each is one transaction and leaves an entry on the case's timeline (and in
the event log).

Illegal transitions (closing a closed case, reopening an open one, planning on a closed case)
raise `CaseRefused` with a translated message; stale edits raise `StaleEdit`.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.cases.models import (
    ActionStatus,
    Case,
    CaseAccessGrant,
    CaseAction,
    CaseEvent,
    CaseSettings,
    ClosureReason,
    EventKind,
    FollowUp,
    FollowUpStatus,
    Status,
    action_date_problem,
)
from orienta.cases.queries import site_today
from orienta.core.access import can_record, is_site_manager, manages_sites
from orienta.core.models import Site, Theme, User
from orienta.core.scoping import personal_site_filter, records_at_site
from orienta.core.services import StaleEdit, event_log
from orienta.core.types import AnyUser
from orienta.frontdesk.models import Visit
from orienta.lib import codes
from orienta.lib.errors import Refused
from orienta.people.models import Household, Person

BREAK_GLASS_HOURS = 3


class CaseRefused(Refused):
    """The change is not allowed in the case's present state; the message says why."""


def _check_writer(user: User, site: Site) -> None:
    if not can_record(user) or not records_at_site(user, site.pk):
        raise PermissionDenied


def _check_manager(user: User, site: Site) -> None:
    _check_writer(user, site)
    if not manages_sites(user):
        raise PermissionDenied


def can_change(user: User, case: Case) -> bool:
    """Site staff of the case's site change it; a sensitive case, only its responsible agent
    and the site's managers. Breaking the glass opens a case for reading, never for changing
    it (nor for referring or asking the fund from it)."""
    if not can_record(user) or not records_at_site(user, case.site_id):
        return False
    return not case.sensitive or is_site_manager(user) or case.responsible_id == user.pk


def _check_case(user: User, case: Case) -> None:
    """Refuse (403) a change of this case (as just read, locked) by this user."""
    if not can_change(user, case):
        raise PermissionDenied


def site_case_settings(site: Site) -> CaseSettings:
    found, _created = CaseSettings.objects.get_or_create(site=site)
    return found


def case_next_code(site: Site) -> str:
    """TD-NDJ1-C-000123: the site's code and a per-site counter (locked for the transaction)."""
    if (allocate := codes.allocator()) is not None:  # a site node numbers its own codes
        return allocate(site=site, kind="case")
    with transaction.atomic():
        site_case_settings(site)
        locked = CaseSettings.objects.select_for_update().get(site=site)
        locked.case_seq += 1
        locked.save(update_fields=["case_seq"])
    return f"{site.code}-C-{locked.case_seq:06d}"


def _event(case: Case, by: AnyUser | None, event: str, text: str = "", **data: Any) -> CaseEvent:
    actor = by if by is not None and by.is_authenticated else None
    entry = CaseEvent.objects.create(
        site_id=case.site_id, case=case, actor=actor, kind=event, text=text, data=data
    )
    event_log(actor=actor, verb=f"case.{event}", obj=case, site=case.site, data=data)
    return entry


def _touch(case: Case, by: AnyUser | None, fields: list[str]) -> None:
    case.save(update_fields=[*fields, *case.touch(by=by)])


def _locked(case: Case, expected_version: int | None = None) -> Case:
    locked = Case.objects.select_for_update().select_related("site").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit
    return locked


def _responsible_ok(user: User, site: Site) -> bool:
    return can_record(user) and user.sites.filter(pk=site.pk).exists()


@transaction.atomic
def case_open(
    *,
    person: Person,
    by: User,
    site: Site | None = None,
    needs: Iterable[Theme] = (),
    risk: str = "low",
    assessment: str = "",
    sensitive: bool = False,
    household: Household | None = None,
    visit: Visit | None = None,
    responsible: User | None = None,
) -> Case:
    """Open a case for a person at a site the agent works at (the person's, by default)."""
    site = site or person.site
    _check_writer(by, site)
    responsible = responsible or by
    if not _responsible_ok(responsible, site):
        raise CaseRefused(_("The responsible agent must work at the case's site."))
    now = timezone.now()
    case = Case(
        site=site,
        person=person,
        household=household,
        visit=visit,
        responsible=responsible,
        risk=risk,
        assessment=assessment,
        sensitive=sensitive,
        opened_at=now,
        last_contact_at=visit.occurred_at if visit else now,
        created_by=by,
        updated_by=by,
    )
    case.code = case_next_code(site)
    case.full_clean(exclude=["code", "needs"])
    case.save()
    case.needs.set(list(needs))
    _event(case, by, EventKind.OPENED, data={"visit": str(visit.pk) if visit else None})
    return case


EDITABLE = ("risk", "assessment", "sensitive", "household")


@transaction.atomic
def case_update(*, case: Case, by: User, data: dict[str, Any], expected_version: int) -> Case:
    """Change needs, risk, assessment, sensitivity or household; refused on a stale version.

    A case can be marked sensitive here, not unmarked: that is a manager's act with a reason,
    `case_unmark_sensitive` (a non-manager asking gets a 403, a manager a CaseRefused)."""
    _check_writer(by, case.site)
    locked = _locked(case, expected_version)
    _check_case(by, locked)
    if locked.is_closed:
        raise CaseRefused(_("This case is closed: reopen it before changing it."))
    if locked.sensitive and data.get("sensitive") is False:
        if not manages_sites(by):
            raise PermissionDenied
        raise CaseRefused(
            _(
                "A sensitive case is made ordinary again only with a reason: use “No longer "
                "sensitive” on the case."
            )
        )
    changed = [f for f in EDITABLE if f in data and getattr(locked, f) != data[f]]
    for field in changed:
        setattr(locked, field, data[field])
    if "needs" in data:
        new = {t.pk for t in data["needs"]}
        if new != set(locked.needs.values_list("pk", flat=True)):
            locked.needs.set(list(data["needs"]))
            changed.append("needs")
    if not changed:
        return locked
    locked.full_clean(exclude=["code", "needs"])
    _touch(locked, by, [f for f in changed if f != "needs"])
    _event(locked, by, EventKind.UPDATED, fields=changed)
    return locked


def _start(case: Case, by: User | None) -> None:
    """An open case in which work begins (an action, a contact) moves to 'in progress'."""
    if case.status == Status.OPEN:
        case.status = Status.IN_PROGRESS
        _touch(case, by, ["status"])
        _event(case, by, EventKind.STARTED)


@transaction.atomic
def case_start(*, case: Case, by: User, expected_version: int | None = None) -> Case:
    _check_writer(by, case.site)
    locked = _locked(case, expected_version)
    _check_case(by, locked)
    if locked.status != Status.OPEN:
        raise CaseRefused(_("Only an open case can move to 'in progress'."))
    _start(locked, by)
    return locked


@transaction.atomic
def case_close(
    *, case: Case, by: User, reason: str, note: str = "", expected_version: int | None = None
) -> Case:
    _check_writer(by, case.site)
    locked = _locked(case, expected_version)
    _check_case(by, locked)
    if locked.is_closed:
        raise CaseRefused(_("This case is already closed."))
    if reason not in ClosureReason.values:
        raise CaseRefused(_("Choose the reason for closing the case."))
    if reason == ClosureReason.OTHER and not note.strip():
        raise CaseRefused(_("Say why the case is closed."))
    locked.status, locked.closure_reason, locked.closed_at = Status.CLOSED, reason, timezone.now()
    _touch(locked, by, ["status", "closure_reason", "closed_at"])
    _event(locked, by, EventKind.CLOSED, note.strip(), reason=reason)
    return locked


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, expected_version: int | None = None) -> Case:
    _check_writer(by, case.site)
    locked = _locked(case, expected_version)
    _check_case(by, locked)
    if not locked.is_closed:
        raise CaseRefused(_("Only a closed case can be reopened."))
    if locked.anonymised_at:
        raise CaseRefused(_("This case was anonymised after its retention period."))
    if not reason.strip():
        raise CaseRefused(_("Say why the case is reopened."))
    previous = locked.closure_reason
    locked.status, locked.closure_reason, locked.closed_at = Status.IN_PROGRESS, "", None
    _touch(locked, by, ["status", "closure_reason", "closed_at"])
    _event(locked, by, EventKind.REOPENED, reason.strip(), previous_reason=previous)
    return locked


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    by: User,
    responsible: User,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """A site manager gives the case to another agent of the site. For a sensitive case the
    agent who leaves it keeps no access."""
    _check_manager(by, case.site)
    locked = _locked(case, expected_version)
    if locked.is_closed:
        raise CaseRefused(_("This case is closed: reopen it before reassigning it."))
    if not _responsible_ok(responsible, locked.site):
        raise CaseRefused(_("The responsible agent must work at the case's site."))
    if responsible.pk == locked.responsible_id:
        raise CaseRefused(_("This agent is already responsible for the case."))
    previous = locked.responsible
    locked.responsible = responsible
    _touch(locked, by, ["responsible"])
    _event(
        locked,
        by,
        EventKind.REASSIGNED,
        reason.strip(),
        previous=previous.get_username(),
        responsible=responsible.get_username(),
    )
    # Actions assigned to the agent who leaves follow the case.
    for action in locked.actions.filter(assignee=previous, status=ActionStatus.PLANNED):
        action.assignee = responsible
        action.save(update_fields=["assignee", *action.touch(by=by)])
    return locked


@transaction.atomic
def case_unmark_sensitive(
    *, case: Case, by: User, reason: str, expected_version: int | None = None
) -> Case:
    """A manager of the site makes a sensitive case ordinary again (everyone in the site's
    scope then sees it), for the reason stated: on the timeline and in the event log."""
    _check_manager(by, case.site)
    locked = _locked(case, expected_version)
    if not locked.sensitive:
        raise CaseRefused(_("This case is not marked sensitive."))
    if len(reason.strip()) < 10:
        raise CaseRefused(_("State the reason in a full sentence (10 characters at least)."))
    locked.sensitive = False
    _touch(locked, by, ["sensitive"])
    _event(locked, by, EventKind.UNMARKED_SENSITIVE, reason.strip())
    return locked


def _open_for_work(case: Case) -> None:
    if case.is_closed:
        raise CaseRefused(_("This case is closed: reopen it before planning anything."))


@transaction.atomic
def case_action_add(
    *,
    case: Case,
    by: User | None,
    what: str,
    due_on: date,
    assignee: User | None = None,
    done: bool = False,
) -> CaseAction:
    """Plan an action, due today or later at the case's site; or, with `done`, record one
    already done (`due_on` is then the day it was done: today or before). `by=None` for
    actions the system creates (an expired referral)."""
    if by is not None:
        _check_writer(by, case.site)
    locked = _locked(case)
    if by is not None:
        _check_case(by, locked)
    _open_for_work(locked)
    problem = action_date_problem(due_on, done=done, today=site_today(locked.site))
    if problem:
        raise CaseRefused(problem)
    if assignee is not None and not _responsible_ok(assignee, locked.site):
        raise CaseRefused(_("The person in charge of an action must work at the case's site."))
    action = CaseAction(
        site_id=locked.site_id,
        case=locked,
        what=what.strip(),
        due_on=due_on,
        assignee=assignee,
        created_by=by,
        updated_by=by,
    )
    if done:
        action.status, action.done_at = ActionStatus.DONE, timezone.now()
    action.full_clean()
    action.save()
    _start(locked, by)
    kind = EventKind.ACTION_DONE if done else EventKind.ACTION_ADDED
    _event(locked, by, kind, action.what, action=str(action.pk), due_on=str(due_on))
    return action


ACTION_EVENTS: dict[str, str] = {
    ActionStatus.DONE: EventKind.ACTION_DONE,
    ActionStatus.CANCELLED: EventKind.ACTION_CANCELLED,
}


@transaction.atomic
def case_action_update(
    *, action: CaseAction, by: User, data: dict[str, Any], expected_version: int | None = None
) -> CaseAction:
    """Change an action's status (planned -> done or cancelled), text, due date or assignee."""
    _check_writer(by, action.case.site)
    locked = CaseAction.objects.select_for_update().select_related("case").get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit
    _check_case(by, locked.case)
    _open_for_work(locked.case)
    status = data.get("status", locked.status)
    if status != locked.status and locked.status != ActionStatus.PLANNED:
        raise CaseRefused(_("This action is already done or cancelled."))
    assignee = data.get("assignee")
    if assignee is not None and not _responsible_ok(assignee, locked.case.site):
        raise CaseRefused(_("The person in charge of an action must work at the case's site."))
    changed: list[str] = [
        f for f in ("what", "due_on", "assignee") if f in data and getattr(locked, f) != data[f]
    ]
    for field in changed:
        setattr(locked, field, data[field])
    if status != locked.status:
        locked.status = status
        locked.done_at = timezone.now() if status == ActionStatus.DONE else None
        changed += ["status", "done_at"]
    if not changed:
        return locked
    locked.full_clean()
    locked.touch(by=by)
    locked.save()
    # A status changes from planned only, to done or cancelled (checked above, then by full_clean).
    kind = ACTION_EVENTS[status] if "status" in changed else EventKind.ACTION_CHANGED
    _event(locked.case, by, kind, locked.what, action=str(locked.pk))
    return locked


@transaction.atomic
def case_followup_plan(
    *, case: Case, by: User, kind: str, due_on: date, notes: str = ""
) -> FollowUp:
    _check_writer(by, case.site)
    locked = _locked(case)
    _check_case(by, locked)
    _open_for_work(locked)
    followup = FollowUp(
        site_id=locked.site_id,
        case=locked,
        kind=kind,
        due_on=due_on,
        agent=by,
        notes=notes.strip(),
        created_by=by,
        updated_by=by,
    )
    followup.full_clean()
    followup.save()
    _start(locked, by)
    _event(locked, by, EventKind.FOLLOWUP_PLANNED, followup.notes, kind=kind, due_on=str(due_on))
    return followup


@transaction.atomic
def case_followup_record(
    *,
    case: Case,
    by: User,
    kind: str,
    notes: str = "",
    done_at: datetime | None = None,
    next_due_on: date | None = None,
    planned: FollowUp | None = None,
) -> FollowUp:
    """A contact made (completing a planned one, if given); `next_due_on` plans the next."""
    _check_writer(by, case.site)
    locked = _locked(case)
    _check_case(by, locked)
    _open_for_work(locked)
    done_at = done_at or timezone.now()
    if done_at > timezone.now() + timedelta(minutes=5):
        raise CaseRefused(_("A contact cannot be recorded in the future."))
    if planned is not None:
        planned = FollowUp.objects.select_for_update().get(pk=planned.pk, case=locked)
        if planned.status != FollowUpStatus.PLANNED:
            raise CaseRefused(_("This contact is no longer planned."))
    followup = planned or FollowUp(site_id=locked.site_id, case=locked, created_by=by)
    followup.kind, followup.notes, followup.agent = kind, notes.strip(), by
    followup.status, followup.done_at = FollowUpStatus.DONE, done_at
    if planned is not None:
        followup.touch(by=by)
    else:
        followup.updated_by, followup.updated_at = by, timezone.now()
    followup.full_clean()
    followup.save()
    if done_at > locked.last_contact_at:
        locked.last_contact_at = done_at
        _touch(locked, by, ["last_contact_at"])
    _start(locked, by)
    _event(locked, by, EventKind.FOLLOWUP_DONE, followup.notes, kind=kind)
    if next_due_on:
        case_followup_plan(case=locked, by=by, kind=kind, due_on=next_due_on)
    return followup


@transaction.atomic
def case_followup_cancel(*, followup: FollowUp, by: User) -> FollowUp:
    _check_writer(by, followup.case.site)
    locked = FollowUp.objects.select_for_update().select_related("case").get(pk=followup.pk)
    _check_case(by, locked.case)
    if locked.status != FollowUpStatus.PLANNED:
        raise CaseRefused(_("This contact is no longer planned."))
    locked.status = FollowUpStatus.CANCELLED
    locked.touch(by=by)
    locked.save()
    _event(locked.case, by, EventKind.FOLLOWUP_CANCELLED, kind=locked.kind)
    return locked


def can_break_glass(user: User, case: Case) -> bool:
    """Whoever's role could see the case's site, and does not see this sensitive case now."""
    if not (user and user.is_authenticated and user.is_active) or not case.sensitive:
        return False
    in_scope = Case.objects.filter(personal_site_filter(user), pk=case.pk).exists()
    return in_scope and not Case.objects.visible_to(user).filter(pk=case.pk).exists()


@transaction.atomic
def case_break_glass(*, case: Case, by: User, reason: str) -> CaseAccessGrant:
    """Open a sensitive case for a few hours, for the reason stated; shown to the manager."""
    if not can_break_glass(by, case):
        raise PermissionDenied
    if len(reason.strip()) < 10:
        raise CaseRefused(_("State the reason in a full sentence (10 characters at least)."))
    now = timezone.now()
    grant = CaseAccessGrant.objects.create(
        site_id=case.site_id,
        case=case,
        user=by,
        reason=reason.strip(),
        granted_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )
    _event(case, by, EventKind.BREAK_GLASS, grant.reason, until=grant.expires_at.isoformat())
    return grant


@transaction.atomic
def case_settings_update(*, site: Site, by: User, no_contact_days: int) -> CaseSettings:
    _check_manager(by, site)
    found = site_case_settings(site)
    if found.no_contact_days != no_contact_days:
        found.no_contact_days = no_contact_days
        found.touch(by=by)
        found.save()
        event_log(
            actor=by,
            verb="case_settings.updated",
            obj=found,
            site=site,
            data={"no_contact_days": no_contact_days},
        )
    return found


ANONYMISED_ACTION = "—"


@transaction.atomic
def case_anonymise(*, case: Case, by: User | None = None) -> Case:
    """Empty a closed case's free text (assessment, notes, action texts, reasons on the
    timeline and of break-the-glass accesses), keeping the case, its dates, needs, statuses and
    closure reason for the counts. Idempotent. Done by the retention rule (`by=None`)."""
    locked = _locked(case)
    if not locked.is_closed:
        raise CaseRefused(_("Only a closed case can be anonymised."))
    return _case_scrub(locked, by)


def case_scrub_for_erasure(*, case: Case, by: User | None) -> Case:
    """The erasure of its person: the same emptying of free text as `case_anonymise`, whatever
    the case's status (the case keeps counting, without anything that names the person)."""
    return _case_scrub(_locked(case), by)


def _case_scrub(locked: Case, by: User | None) -> Case:
    if locked.anonymised_at:
        return locked
    now = timezone.now()
    for followup in locked.followups.exclude(notes=""):
        followup.notes = ""
        followup.save(update_fields=["notes", *followup.touch(by=by, at=now)])
    for action in locked.actions.exclude(what=ANONYMISED_ACTION):
        action.what = ANONYMISED_ACTION
        action.save(update_fields=["what", *action.touch(by=by, at=now)])
    for event in locked.events.exclude(text=""):
        event.text = ""
        event.save(update_fields=["text"])
    for grant in locked.access_grants.exclude(reason=""):
        grant.reason = ""
        grant.save(update_fields=["reason"])
    locked.assessment, locked.anonymised_at = "", now
    _touch(locked, by, ["assessment", "anonymised_at"])
    event_log(actor=by, verb="case.anonymised", obj=locked, site=locked.site)
    return locked

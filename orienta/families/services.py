"""Writes of the families app: instruments and their versions, assessments, enrolments, family
plans (goals and linked actions), exits. Every function validates before it writes, inside one
transaction, and records an event."""

import calendar
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orienta.cases.models import FollowUp
from orienta.cases.queries import site_today
from orienta.core.models import Country, Site, User
from orienta.core.scoping import records_at_site
from orienta.core.services import event_log
from orienta.families import scoring
from orienta.families.access import edits_instruments, works_on_families
from orienta.families.models import (
    Assessment,
    Enrolment,
    ExitReason,
    Goal,
    GoalStatus,
    Instrument,
    LinkKind,
    PlanAction,
    Status,
)
from orienta.fund.models import FundRequest
from orienta.lib.errors import Refused
from orienta.people.models import Household, Person
from orienta.referrals.models import Referral

MAX_REASSESS_MONTHS = 24


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


class FamilyRefused(Refused):
    """The operation is not allowed; the message says why."""


class InstrumentUnchanged(FamilyRefused):
    default_message = gettext_lazy("Nothing changed: no new version was saved.")


def _check_writer(user: User, site: Site) -> None:
    if not works_on_families(user) or not records_at_site(user, site.pk):
        raise PermissionDenied


def _parse(definition: Any) -> scoring.Definition:
    try:
        return scoring.parse(definition)
    except scoring.DefinitionError as exc:
        raise FamilyRefused(str(exc)) from None


# Instruments
# =============================================================================================


@transaction.atomic
def instrument_create(
    *, country: Country, code: str, name: str, definition: Any, by: User
) -> Instrument:
    """Version 1 of a new instrument of the country."""
    if not edits_instruments(by):
        raise PermissionDenied
    parsed = _parse(definition)
    name, code = name.strip(), code.strip()
    if not name or not code:
        raise FamilyRefused(_("An instrument needs a code and a name."))
    if Instrument.objects.filter(country=country, code=code).exists():
        raise FamilyRefused(_("This country already has an instrument with this code."))
    instrument = Instrument(
        country=country,
        code=code,
        name=name,
        rule=parsed.rule,
        definition=definition,
        created_by=by,
        updated_by=by,
    )
    instrument.full_clean()
    instrument.save()
    event_log(actor=by, verb="instrument.created", obj=instrument, data={"revision": 1})
    return instrument


@transaction.atomic
def instrument_revise(
    *, instrument: Instrument, name: str, definition: Any, by: User
) -> Instrument:
    """A new version of the instrument; the one it replaces is retired, and the assessments
    made with it keep it (their answers and results are never recomputed)."""
    if not edits_instruments(by):
        raise PermissionDenied
    parsed = _parse(definition)
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if locked.retired_at is not None:
        raise FamilyRefused(_("This version was replaced already: edit the current one."))
    name = name.strip() or locked.name
    if definition == locked.definition and name == locked.name:
        raise InstrumentUnchanged
    now = timezone.now()
    locked.retired_at = now
    locked.save(update_fields=["retired_at", *locked.touch(by=by, at=now)])
    new = Instrument(
        country_id=locked.country_id,
        code=locked.code,
        revision=locked.revision + 1,
        name=name,
        rule=parsed.rule,
        definition=definition,
        created_by=by,
        updated_by=by,
    )
    new.save()
    event_log(actor=by, verb="instrument.revised", obj=new, data={"revision": new.revision})
    return new


# Assessments
# =============================================================================================


def _current_member(household: Household, person: Person | None) -> bool:
    return person is None or household.members.filter(person=person, left_on__isnull=True).exists()


def _check_date(site: Site, on: date) -> None:
    if on > site_today(site):
        raise FamilyRefused(_("The date cannot be in the future."))


@transaction.atomic
def assessment_record(
    *,
    household: Household,
    instrument: Instrument,
    answers: dict[str, str],
    by: User,
    assessed_on: date | None = None,
    respondent: Person | None = None,
    notes: str = "",
) -> Assessment:
    """Assess the household with the current version of an instrument of its country."""
    site = household.site
    _check_writer(by, site)
    if instrument.country_id != site.country_id or instrument.retired_at is not None:
        raise FamilyRefused(_("Choose the current instrument of the household's country."))
    definition = _parse(instrument.definition)
    answers = {str(k): str(v) for k, v in answers.items()}
    missing = scoring.missing_answers(definition, answers)
    if missing:
        raise FamilyRefused(
            _("Answer every question; missing or unknown: %(codes)s.")
            % {"codes": ", ".join(missing[:10])}
        )
    known = {i.code for _d, i in definition.indicators()}
    if set(answers) - known:
        raise FamilyRefused(_("Some answers are not questions of this instrument."))
    if not _current_member(household, respondent):
        raise FamilyRefused(_("The person who answered must be a member of the household."))
    on = assessed_on or site_today(site)
    _check_date(site, on)
    result = scoring.score(definition, answers)
    assessment = Assessment(
        site=site,
        household=household,
        instrument=instrument,
        assessed_on=on,
        respondent=respondent,
        assessor=by,
        answers=answers,
        notes=notes.strip(),
        score=result.score,
        category=result.category,
        dimensions=result.dimensions_json(),
        created_by=by,
        updated_by=by,
    )
    assessment.full_clean(exclude=["household", "site", "instrument", "respondent", "assessor"])
    assessment.save()
    _reschedule(household, by)
    event_log(
        actor=by,
        verb="assessment.recorded",
        obj=assessment,
        site=site,
        data={"category": result.category, "score": str(result.score)},
    )
    return assessment


# Enrolment, plan, exit
# =============================================================================================


def _latest_date(household: Household) -> date | None:
    found: date | None = (
        household.assessments.filter(deleted_at__isnull=True)
        .order_by("-assessed_on")
        .values_list("assessed_on", flat=True)
        .first()
    )
    return found


def _reschedule(household: Household, by: User) -> None:
    """The active enrolment's next assessment: the latest one's date plus its interval."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(household=household, status=Status.ACTIVE, deleted_at__isnull=True)
        .first()
    )
    latest = _latest_date(household)
    if enrolment is None or latest is None:
        return
    enrolment.next_due_on = add_months(latest, enrolment.reassess_months)
    enrolment.save(update_fields=["next_due_on", *enrolment.touch(by=by)])


@transaction.atomic
def enrolment_open(
    *,
    household: Household,
    by: User,
    criteria: str,
    consent: bool,
    reassess_months: int = 3,
    enrolled_on: date | None = None,
) -> Enrolment:
    """Accompany an assessed household, with its consent and the criteria it meets."""
    site = household.site
    _check_writer(by, site)
    if not consent:
        raise FamilyRefused(_("A family is accompanied only with its consent."))
    if not criteria.strip():
        raise FamilyRefused(_("Say which criteria the family meets."))
    if not 1 <= reassess_months <= MAX_REASSESS_MONTHS:
        raise FamilyRefused(_("Reassess every 1 to %(n)s months.") % {"n": MAX_REASSESS_MONTHS})
    if not household.assessments.filter(deleted_at__isnull=True).exists():
        raise FamilyRefused(_("Assess the household before enrolling it."))
    if household.enrolments.filter(status=Status.ACTIVE, deleted_at__isnull=True).exists():
        raise FamilyRefused(_("This household is already accompanied."))
    on = enrolled_on or site_today(site)
    _check_date(site, on)
    enrolment = Enrolment(
        site=site,
        household=household,
        enrolled_on=on,
        criteria=criteria.strip(),
        consent=True,
        reassess_months=reassess_months,
        created_by=by,
        updated_by=by,
    )
    enrolment.next_due_on = add_months(_latest_date(household) or on, reassess_months)
    enrolment.full_clean(exclude=["household", "site"])
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:  # enrolled by someone else meanwhile
        raise FamilyRefused(_("This household is already accompanied.")) from None
    event_log(actor=by, verb="enrolment.opened", obj=enrolment, site=site)
    return enrolment


def _active(enrolment: Enrolment, by: User) -> Enrolment:
    _check_writer(by, enrolment.site)
    locked: Enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.status != Status.ACTIVE:
        raise FamilyRefused(_("The accompaniment of this family has ended."))
    return locked


def plan_dimensions(enrolment: Enrolment) -> list[scoring.Dimension]:
    """The dimensions of the instrument of the household's latest assessment."""
    latest = (
        Assessment.objects.filter(household_id=enrolment.household_id, deleted_at__isnull=True)
        .select_related("instrument")
        .order_by("-assessed_on", "-created_at")
        .first()
    )
    return list(latest.instrument.parsed().dimensions) if latest else []


@transaction.atomic
def goal_add(*, enrolment: Enrolment, dimension: str, text: str, by: User) -> Goal:
    """A goal of the family plan, in one of the dimensions assessed."""
    locked = _active(enrolment, by)
    if dimension not in {d.code for d in plan_dimensions(locked)}:
        raise FamilyRefused(_("Choose a dimension of the assessment."))
    text = text.strip()
    if not text:
        raise FamilyRefused(_("Write the goal chosen with the family."))
    goal = Goal(
        site_id=locked.site_id,
        enrolment=locked,
        dimension=dimension,
        text=text,
        created_by=by,
        updated_by=by,
    )
    goal.full_clean(exclude=["site", "enrolment"])
    goal.save()
    locked.save(update_fields=locked.touch(by=by))
    event_log(actor=by, verb="goal.added", obj=goal, site=locked.site)
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, status: str, by: User) -> Goal:
    _active(goal.enrolment, by)
    if status not in GoalStatus.values:
        raise FamilyRefused(_("Choose a status of the list."))
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    locked.status = status
    locked.save(update_fields=["status", *locked.touch(by=by)])
    event_log(actor=by, verb="goal.status", obj=locked, site=goal.site, data={"status": status})
    return locked


LinkedRecord = Referral | FundRequest | FollowUp


def _person_of(record: LinkedRecord) -> Person:
    return record.case.person if isinstance(record, FollowUp) else record.person


@transaction.atomic
def plan_action_link(
    *, enrolment: Enrolment, record: LinkedRecord, by: User, goal: Goal | None = None
) -> PlanAction:
    """Link a referral, fund request or follow-up of a household member to the family plan."""
    locked = _active(enrolment, by)
    if goal is not None and goal.enrolment_id != locked.pk:
        raise FamilyRefused(_("Choose a goal of this family's plan."))
    if (
        not _current_member(locked.household, _person_of(record))
        or record.site_id != locked.site_id
    ):
        raise FamilyRefused(_("Link only what was recorded for a member of this household."))
    kind = {Referral: LinkKind.REFERRAL, FundRequest: LinkKind.FUND_REQUEST}.get(
        type(record), LinkKind.FOLLOWUP
    )
    links = {
        LinkKind.REFERRAL: "referral",
        LinkKind.FUND_REQUEST: "fund_request",
        LinkKind.FOLLOWUP: "followup",
    }
    field = links[kind]
    if PlanAction.objects.filter(enrolment=locked, **{field: record}).exists():
        raise FamilyRefused(_("This record is already in the plan."))
    action = PlanAction(
        site_id=locked.site_id,
        enrolment=locked,
        goal=goal,
        kind=kind,
        created_by=by,
        updated_by=by,
        **{field: record},
    )
    action.save()
    event_log(
        actor=by, verb="plan_action.linked", obj=action, site=locked.site, data={"kind": kind}
    )
    return action


@transaction.atomic
def enrolment_exit(
    *,
    enrolment: Enrolment,
    reason: str,
    by: User,
    note: str = "",
    exited_on: date | None = None,
) -> Enrolment:
    """End the accompaniment: graduated, moved, refused or other (with a note)."""
    locked = _active(enrolment, by)
    if reason not in ExitReason.values:
        raise FamilyRefused(_("Choose the reason the accompaniment ends."))
    if reason == ExitReason.OTHER and not note.strip():
        raise FamilyRefused(_("Say why the accompaniment ends."))
    on = exited_on or site_today(locked.site)
    _check_date(locked.site, on)
    if on < locked.enrolled_on:
        raise FamilyRefused(_("The accompaniment cannot end before it began."))
    locked.status = Status.EXITED
    locked.exit_reason = reason
    locked.exit_note = note.strip()
    locked.exited_on = on
    locked.next_due_on = None
    locked.save(
        update_fields=[
            "status",
            "exit_reason",
            "exit_note",
            "exited_on",
            "next_due_on",
            *locked.touch(by=by),
        ]
    )
    event_log(
        actor=by, verb="enrolment.exited", obj=locked, site=locked.site, data={"reason": reason}
    )
    return locked


def check_writer(user: User, site: Site) -> None:
    """403 unless the user works on the families of this site (for pages that show a form)."""
    _check_writer(user, site)


@transaction.atomic
def family_scrub_for_erasure(*, person_ids: list[Any], by: User | None) -> int:
    """A person's erasure: the assessments they answered lose who answered, and the free text
    (notes) of their households' assessments goes; scores, categories and answers (codes) stay
    for the counts. Returns how many assessments changed."""
    households = Household.objects.filter(members__person__in=person_ids).values("pk")
    changed = 0
    rows = Assessment.objects.select_for_update().filter(
        Q(respondent__in=person_ids) | Q(household__in=households)
    )
    for assessment in rows.order_by("pk"):
        assessment.notes = ""
        if assessment.respondent_id in person_ids:
            assessment.respondent = None
        assessment.save(update_fields=["notes", "respondent", *assessment.touch(by=by)])
        changed += 1
    return changed


@transaction.atomic
def family_records_follow(*, survivor: Person, merged: Person, by: User) -> None:
    """A merge: the assessments the merged record answered name the survivor."""
    for assessment in (
        Assessment.objects.select_for_update().filter(respondent=merged).order_by("pk")
    ):
        assessment.respondent = survivor
        assessment.save(update_fields=["respondent", *assessment.touch(by=by)])

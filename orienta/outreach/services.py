"""The writes of community work: plan, record, describe and link sessions, fairs and trainings.

Only site staff (agents and site managers) write, at their own sites (`records_at`). Counts are
checked by `Attendance.parse` before anything is saved; a refused write saves nothing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import can_record
from orienta.core.models import Area, Organisation, Site, Theme, User
from orienta.core.scoping import assigned_site_ids
from orienta.core.services import StaleEdit, event_log
from orienta.core.types import AnyUser
from orienta.frontdesk.models import Channel, Visit
from orienta.lib.errors import Refused
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls
from orienta.outreach.attendance import Attendance, Row
from orienta.outreach.models import (
    AwarenessSession,
    CountRow,
    Curriculum,
    Fair,
    FairCount,
    FairOutcome,
    FairVisit,
    Format,
    Offer,
    OfferKind,
    OutcomeKind,
    Participant,
    SessionCount,
    SessionVisit,
    Stand,
    Status,
    Topic,
    Training,
    VenueType,
)
from orienta.people.models import Person


class OutreachRefused(Refused):
    """An operation the activity's state does not allow (a cancelled session recorded)."""


class BadInput(Refused):
    """Input that cannot be saved (an unknown theme, a date the wrong way round): a 422."""

    status = 422


# Who writes where
# =============================================================================================


def records_at(user: AnyUser | None, site_id: Any) -> bool:
    """Site staff record their own sites' activities; nobody else writes."""
    return can_record(user) and site_id in assigned_site_ids(user)


def _require_site(user: AnyUser | None, site: Site) -> User:
    if not can_record(user):
        raise PermissionDenied
    if site.pk not in assigned_site_ids(user):
        raise BadInput(_("You can record only at your own sites."))
    return user


def _require_writer(user: AnyUser | None, activity: AwarenessSession | Fair | Training) -> User:
    if not can_record(user) or activity.site_id not in assigned_site_ids(user):
        raise PermissionDenied
    return user


def _check_version(activity: AwarenessSession | Fair | Training, version: int | None) -> None:
    if version is not None and version != activity.version:
        raise StaleEdit()


# Activities: what sessions, fairs and trainings share
# =============================================================================================


@dataclass
class Place:
    """Where and what: what a plan or a later edit gives (every field optional)."""

    title: str = ""
    area: Area | None = None
    locality: str = ""
    notes: str = ""


def _check_dates(planned_on: date, held_on: date | None) -> None:
    today = timezone.localdate()
    if held_on is not None and held_on > today:
        raise BadInput(_("An activity cannot be recorded as held on a date still to come."))
    if planned_on.year < 2000 or (held_on is not None and held_on.year < 2000):
        raise BadInput(_("Give a date after the year 2000."))


def _check_text(*values: str) -> None:
    """Names and titles hold no invisible text-direction characters."""
    if any(has_bidi_controls(value) for value in values):
        raise BadInput(str(BIDI_MESSAGE))


def _check_place(site: Site, place: Place) -> None:
    _check_text(place.title, place.locality)
    if not place.title.strip():
        raise BadInput(_("Give the activity a title."))
    if place.area is not None and place.area.country_id != site.country_id:
        raise BadInput(_("The area must be in the site's country."))


def _new[A: (AwarenessSession, Fair, Training)](
    model: type[A], *, site: Site, place: Place, planned_on: date, held_on: date | None, by: User
) -> A:
    _check_place(site, place)
    _check_dates(planned_on, held_on)
    return model(
        site=site,
        title=place.title.strip(),
        status=Status.HELD if held_on else Status.PLANNED,
        planned_on=planned_on,
        held_on=held_on,
        area=place.area,
        locality=place.locality.strip(),
        notes=place.notes.strip(),
        created_by=by,
        updated_by=by,
    )


def _save_counts(
    model: type[CountRow], owner: dict[str, Any], site: Site, attendance: Attendance, by: User
) -> None:
    model.objects.filter(**owner).delete()  # type: ignore[attr-defined]
    for row in attendance.rows:
        model.objects.create(  # type: ignore[attr-defined]
            **owner,
            site=site,
            sex=row.sex,
            age_band=row.age_band,
            disability=row.disability,
            count=row.count,
            created_by=by,
            updated_by=by,
        )


def attendance_of(activity: AwarenessSession | Fair) -> Attendance:
    """The stored counts of a session or a fair (in the age bands they were recorded in)."""
    return Attendance(
        tuple(
            sorted(
                Row(r.sex, r.age_band, r.disability, r.count)
                for r in activity.counts.all()
                if r.count
            )
        )
    )


def _held[A: (AwarenessSession, Fair, Training)](
    activity: A, *, held_on: date, by: User, version: int | None
) -> list[str]:
    _check_version(activity, version)
    if activity.status == Status.CANCELLED:
        raise OutreachRefused(_("This activity was cancelled; it cannot be recorded as held."))
    _check_dates(activity.planned_on, held_on)
    activity.status = Status.HELD
    activity.held_on = held_on
    return ["status", "held_on", *activity.touch(by=by)]


def activity_cancel(
    *,
    activity: AwarenessSession | Fair | Training,
    by: AnyUser | None,
    version: int | None = None,
) -> None:
    """A planned activity that will not take place (a held one stays held)."""
    user = _require_writer(by, activity)
    with transaction.atomic():
        _check_version(activity, version)
        if activity.status != Status.PLANNED:
            raise OutreachRefused(_("Only a planned activity can be cancelled."))
        activity.status = Status.CANCELLED
        activity.save(update_fields=["status", *activity.touch(by=user)])
        event_log(actor=user, verb="cancelled", obj=activity, site=activity.site)


def _apply_place[A: (AwarenessSession, Fair, Training)](activity: A, place: Place) -> list[str]:
    _check_place(activity.site, place)
    activity.title = place.title.strip()
    activity.area = place.area
    activity.locality = place.locality.strip()
    activity.notes = place.notes.strip()
    return ["title", "area", "locality", "notes"]


# Awareness sessions
# =============================================================================================


@dataclass
class SessionDetails:
    """The details of a session, given later than the counts."""

    venue_type: str = ""
    format: str = ""
    themes: Sequence[str] = ()
    topics: Sequence[str] = ()
    facilitators: Sequence[User] = ()
    partner_facilitators: str = ""
    materials: str = ""
    questions: str = ""


@dataclass
class _Checked:
    themes: list[Theme] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def _check_details(site: Site, details: SessionDetails) -> _Checked:
    if details.venue_type and details.venue_type not in VenueType.values:
        raise BadInput(
            _("“%(value)s” is not a type of place.") % {"value": details.venue_type[:30]}
        )
    if details.format and details.format not in Format.values:
        raise BadInput(_("“%(value)s” is not a format.") % {"value": details.format[:30]})
    codes = list(dict.fromkeys(details.themes))
    themes = list(Theme.objects.active().filter(code__in=codes))
    unknown = set(codes) - {t.code for t in themes}
    topics = list(dict.fromkeys(details.topics))
    unknown |= set(topics) - set(Topic.values)
    if unknown:
        raise BadInput(_("Unknown themes: %(list)s.") % {"list": ", ".join(sorted(unknown))[:200]})
    staff = {u.pk for u in User.objects.filter(sites=site, is_active=True)}
    if any(user.pk not in staff for user in details.facilitators):
        raise BadInput(_("A facilitator must be one of the site's staff."))
    return _Checked(themes, topics)


def _apply_details(session: AwarenessSession, details: SessionDetails, checked: _Checked) -> None:
    session.venue_type = details.venue_type
    session.format = details.format
    session.topics = checked.topics
    session.partner_facilitators = details.partner_facilitators.strip()
    session.materials = details.materials.strip()
    session.questions = details.questions.strip()


def session_create(
    *,
    site: Site,
    place: Place,
    planned_on: date,
    by: AnyUser | None,
    held_on: date | None = None,
    attendance: Attendance | None = None,
    total: int | None = None,
    details: SessionDetails | None = None,
) -> AwarenessSession:
    """Plan a session, or record one just held with its counts (counts first, details later)."""
    user = _require_site(by, site)
    details = details or SessionDetails()
    checked = _check_details(site, details)
    if attendance is not None:
        attendance.check_totals(total=total)
    if attendance is not None and attendance.rows and held_on is None:
        raise BadInput(_("A planned session has no attendance yet: give the date it was held."))
    with transaction.atomic():
        session = _new(
            AwarenessSession,
            site=site,
            place=place,
            planned_on=planned_on,
            held_on=held_on,
            by=user,
        )
        _apply_details(session, details, checked)
        session.save()
        session.themes.set(checked.themes)
        session.facilitators.set(details.facilitators)
        if attendance is not None:
            _save_counts(SessionCount, {"session": session}, site, attendance, user)
        event_log(actor=user, verb=session.status, obj=session, site=site)
    return session


def session_record(
    *,
    session: AwarenessSession,
    attendance: Attendance,
    held_on: date,
    by: AnyUser | None,
    version: int | None = None,
    total: int | None = None,
) -> AwarenessSession:
    """The session was held: its date and its counts (replacing any counted before)."""
    user = _require_writer(by, session)
    attendance.check_totals(total=total)
    attendance.check_named(session.attendees.count())
    with transaction.atomic():
        fields = _held(session, held_on=held_on, by=user, version=version)
        session.save(update_fields=fields)
        _save_counts(SessionCount, {"session": session}, session.site, attendance, user)
        event_log(
            actor=user,
            verb="held",
            obj=session,
            site=session.site,
            data={"total": attendance.total},
        )
    return session


def session_describe(
    *,
    session: AwarenessSession,
    place: Place,
    details: SessionDetails,
    by: AnyUser | None,
    version: int | None = None,
) -> AwarenessSession:
    """The details given after the session: place, themes, format, facilitators, materials."""
    user = _require_writer(by, session)
    checked = _check_details(session.site, details)
    with transaction.atomic():
        _check_version(session, version)
        fields = _apply_place(session, place)
        _apply_details(session, details, checked)
        fields += ["venue_type", "format", "topics", "partner_facilitators", "materials"]
        session.save(update_fields=[*fields, "questions", *session.touch(by=user)])
        session.themes.set(checked.themes)
        session.facilitators.set(details.facilitators)
        event_log(actor=user, verb="described", obj=session, site=session.site)
    return session


def session_attendee_add(
    *, session: AwarenessSession, person: Person, by: AnyUser | None
) -> AwarenessSession:
    """Name one of the attendees, a person of the registry (of the session's country)."""
    user = _require_writer(by, session)
    if person.site.country_id != session.site.country_id:
        raise BadInput(_("This person is not registered in the session's country."))
    with transaction.atomic():
        if session.attendees.filter(pk=person.pk).exists():
            return session
        attendance_of(session).check_named(session.attendees.count() + 1)
        session.attendees.add(person)
        session.save(update_fields=session.touch(by=user))
        event_log(
            actor=user,
            verb="attendee_added",
            obj=session,
            site=session.site,
            data={"person": str(person.pk)},
        )
    return session


def session_attendee_remove(
    *, session: AwarenessSession, person: Person, by: AnyUser | None
) -> AwarenessSession:
    user = _require_writer(by, session)
    with transaction.atomic():
        session.attendees.remove(person)
        session.save(update_fields=session.touch(by=user))
        event_log(
            actor=user,
            verb="attendee_removed",
            obj=session,
            site=session.site,
            data={"person": str(person.pk)},
        )
    return session


def _check_visit(activity: AwarenessSession | Fair, visit: Visit, channel: str) -> None:
    if visit.site_id != activity.site_id or visit.voided_at or visit.deleted_at:
        raise BadInput(_("This visit cannot be linked: it is not a visit of the site."))
    if visit.channel != channel:
        raise BadInput(
            _("Only a visit with the channel “%(channel)s” can be linked here.")
            % {"channel": Channel(channel).label}
        )
    when = timezone.localtime(visit.occurred_at).date()
    if activity.held_on is None or when < activity.held_on:
        raise BadInput(_("The visit took place before the activity was held."))


def session_visit_link(
    *, session: AwarenessSession, visit: Visit, by: AnyUser | None
) -> SessionVisit:
    """A visit of channel "outreach" came from this session: it counts as its follow-up."""
    user = _require_writer(by, session)
    _check_visit(session, visit, Channel.OUTREACH)
    with transaction.atomic():
        if SessionVisit.objects.filter(visit=visit).exists():
            raise OutreachRefused(_("This visit is already linked to an activity."))
        link = SessionVisit.objects.create(
            site=session.site, session=session, visit=visit, created_by=user, updated_by=user
        )
        event_log(
            actor=user,
            verb="visit_linked",
            obj=session,
            site=session.site,
            data={"visit": str(visit.pk)},
        )
    return link


# Fairs
# =============================================================================================


def fair_create(
    *,
    site: Site,
    place: Place,
    planned_on: date,
    by: AnyUser | None,
    venue: str = "",
    held_on: date | None = None,
    attendance: Attendance | None = None,
    total: int | None = None,
) -> Fair:
    user = _require_site(by, site)
    if attendance is not None:
        attendance.check_totals(total=total)
    if attendance is not None and attendance.rows and held_on is None:
        raise BadInput(_("A planned fair has no visitors yet: give the date it was held."))
    with transaction.atomic():
        fair = _new(Fair, site=site, place=place, planned_on=planned_on, held_on=held_on, by=user)
        fair.venue = venue.strip()
        fair.save()
        if attendance is not None:
            _save_counts(FairCount, {"fair": fair}, site, attendance, user)
        event_log(actor=user, verb=fair.status, obj=fair, site=site)
    return fair


def fair_record(
    *,
    fair: Fair,
    attendance: Attendance,
    held_on: date,
    by: AnyUser | None,
    version: int | None = None,
    total: int | None = None,
) -> Fair:
    """The fair was held: its date and its visitors by sex and age band."""
    user = _require_writer(by, fair)
    attendance.check_totals(total=total)
    with transaction.atomic():
        fields = _held(fair, held_on=held_on, by=user, version=version)
        fair.save(update_fields=fields)
        _save_counts(FairCount, {"fair": fair}, fair.site, attendance, user)
        event_log(
            actor=user, verb="held", obj=fair, site=fair.site, data={"total": attendance.total}
        )
    return fair


def fair_describe(
    *, fair: Fair, place: Place, venue: str, by: AnyUser | None, version: int | None = None
) -> Fair:
    user = _require_writer(by, fair)
    with transaction.atomic():
        _check_version(fair, version)
        fields = _apply_place(fair, place)
        fair.venue = venue.strip()
        fair.save(update_fields=[*fields, "venue", *fair.touch(by=user)])
        event_log(actor=user, verb="described", obj=fair, site=fair.site)
    return fair


@dataclass
class OfferInput:
    kind: str
    title: str
    places: int


def stand_add(
    *,
    fair: Fair,
    by: AnyUser | None,
    organisation: Organisation | None = None,
    name: str = "",
    services: str = "",
    offers: Iterable[OfferInput] = (),
) -> Stand:
    """A partner's stand: an organisation of the directory (of the country), or a name."""
    user = _require_writer(by, fair)
    _check_text(name)
    if organisation is None and not name.strip():
        raise BadInput(_("Choose an organisation of the directory or write the partner's name."))
    if organisation is not None and organisation.country_id != fair.site.country_id:
        raise BadInput(_("The organisation must be of the fair's country."))
    offers = list(offers)
    for offer in offers:
        if offer.kind not in OfferKind.values or not offer.title.strip():
            raise BadInput(_("An offer needs a kind (job or training) and a title."))
        if offer.places < 0:
            raise BadInput(_("The number of places cannot be negative."))
    with transaction.atomic():
        stand = Stand.objects.create(
            site=fair.site,
            fair=fair,
            organisation=organisation,
            name="" if organisation else name.strip(),
            services=services.strip(),
            created_by=user,
            updated_by=user,
        )
        for offer in offers:
            Offer.objects.create(
                site=fair.site,
                stand=stand,
                kind=offer.kind,
                title=offer.title.strip(),
                places=offer.places,
                created_by=user,
                updated_by=user,
            )
        fair.save(update_fields=fair.touch(by=user))
        event_log(
            actor=user, verb="stand_added", obj=fair, site=fair.site, data={"stand": str(stand.pk)}
        )
    return stand


def fair_visit_link(*, fair: Fair, visit: Visit, by: AnyUser | None) -> FairVisit:
    """A person registered or oriented at the fair: a visit of channel "fair"."""
    user = _require_writer(by, fair)
    _check_visit(fair, visit, Channel.FAIR)
    with transaction.atomic():
        if FairVisit.objects.filter(visit=visit).exists():
            raise OutreachRefused(_("This visit is already linked to an activity."))
        link = FairVisit.objects.create(
            site=fair.site, fair=fair, visit=visit, created_by=user, updated_by=user
        )
        event_log(
            actor=user, verb="visit_linked", obj=fair, site=fair.site, data={"visit": str(visit.pk)}
        )
    return link


def fair_outcome_record(
    *,
    fair: Fair,
    person: Person,
    kind: str,
    on: date,
    by: AnyUser | None,
    offer: Offer | None = None,
) -> FairOutcome:
    """Afterwards: a person met at the fair (one of its visits) was hired or enrolled."""
    user = _require_writer(by, fair)
    if kind not in OutcomeKind.values:
        raise BadInput(_("“%(value)s” is not an outcome.") % {"value": kind[:30]})
    if not FairVisit.objects.filter(fair=fair, visit__person=person).exists():
        raise BadInput(_("Only a person registered or oriented at the fair can have an outcome."))
    if offer is not None and offer.stand.fair_id != fair.pk:
        raise BadInput(_("The offer is not one of this fair's."))
    if fair.held_on is None or on < fair.held_on or on > timezone.localdate():
        raise BadInput(_("The outcome's date must be between the fair and today."))
    with transaction.atomic():
        if FairOutcome.objects.filter(
            fair=fair, person=person, kind=kind, deleted_at__isnull=True
        ).exists():
            raise OutreachRefused(_("This outcome is already recorded for this person."))
        outcome = FairOutcome.objects.create(
            site=fair.site,
            fair=fair,
            person=person,
            kind=kind,
            offer=offer,
            on=on,
            created_by=user,
            updated_by=user,
        )
        event_log(
            actor=user,
            verb="outcome_recorded",
            obj=fair,
            site=fair.site,
            data={"outcome": str(outcome.pk), "kind": kind},
        )
    return outcome


# Trainings of agents
# =============================================================================================


def training_create(
    *,
    site: Site,
    curriculum: Curriculum,
    place: Place,
    planned_on: date,
    by: AnyUser | None,
    trainer: str = "",
    held_on: date | None = None,
) -> Training:
    user = _require_site(by, site)
    with transaction.atomic():
        training = _new(
            Training, site=site, place=place, planned_on=planned_on, held_on=held_on, by=user
        )
        training.curriculum = curriculum
        training.trainer = trainer.strip()
        training.save()
        event_log(actor=user, verb=training.status, obj=training, site=site)
    return training


def training_record(
    *, training: Training, held_on: date, by: AnyUser | None, version: int | None = None
) -> Training:
    user = _require_writer(by, training)
    with transaction.atomic():
        training.save(update_fields=_held(training, held_on=held_on, by=user, version=version))
        event_log(actor=user, verb="held", obj=training, site=training.site)
    return training


def participant_add(
    *,
    training: Training,
    by: AnyUser | None,
    user: User | None = None,
    name: str = "",
    organisation: Organisation | None = None,
) -> Participant:
    """An agent (an account of the country) or a partner's staff member (a name)."""
    writer = _require_writer(by, training)
    country = training.site.country_id
    _check_text(name)
    if user is None and not name.strip():
        raise BadInput(_("Choose an agent or write the participant's name."))
    if user is not None and not user.sites.filter(country_id=country).exists():
        raise BadInput(_("The agent must work at a site of the training's country."))
    if organisation is not None and organisation.country_id != country:
        raise BadInput(_("The organisation must be of the training's country."))
    with transaction.atomic():
        if (
            user is not None
            and training.participants.filter(user=user, deleted_at__isnull=True).exists()
        ):
            raise OutreachRefused(_("This agent is already a participant."))
        participant = Participant.objects.create(
            site=training.site,
            training=training,
            user=user,
            name="" if user else name.strip(),
            organisation=organisation,
            created_by=writer,
            updated_by=writer,
        )
        event_log(
            actor=writer,
            verb="participant_added",
            obj=training,
            site=training.site,
            data={"participant": str(participant.pk)},
        )
    return participant


def _score(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 100:
        raise BadInput(_("A test score is between 0 and 100."))
    return value


def participant_score(
    *,
    participant: Participant,
    attended: bool,
    pre_score: int | None,
    post_score: int | None,
    by: AnyUser | None,
) -> Participant:
    """Attendance and the pre- and post-test scores (0 to 100) of one participant."""
    user = _require_writer(by, participant.training)
    _score(pre_score), _score(post_score)
    if not attended and post_score is not None:
        raise BadInput(_("A participant who did not attend has no post-test score."))
    with transaction.atomic():
        participant.attended = attended
        participant.pre_score = pre_score
        participant.post_score = post_score
        participant.save(
            update_fields=["attended", "pre_score", "post_score", *participant.touch(by=user)]
        )
        event_log(
            actor=user,
            verb="scored",
            obj=participant.training,
            site=participant.site,
            data={"participant": str(participant.pk)},
        )
    return participant

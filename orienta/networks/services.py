"""The writes of the networks: the library and the support to CSOs, the GTPS (groups, members,
meetings, actions and their history), the diagnostics (studies, their data, their report).

Every write is a manager's of the record's country (`manages_networks`: its coordinator, M&E,
administrators); anyone else gets PermissionDenied. Input is checked before anything is saved;
a refused write saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orienta.core.access import manages_networks, reads_aggregates_only
from orienta.core.models import Area, Country, Organisation, User
from orienta.core.services import StaleEdit, event_log
from orienta.core.types import AnyUser
from orienta.lib.errors import Refused
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls
from orienta.networks.diagnostics import read_responses
from orienta.networks.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Document,
    Group,
    Meeting,
    MeetingStatus,
    Member,
    Response,
    Sector,
    Sex,
    Study,
    StudyStatus,
    Support,
    SupportParticipant,
)


class NetworksRefused(Refused):
    """An operation the record's state does not allow (an action done, updated again)."""


class BadInput(Refused):
    """Input that cannot be saved (an organisation of another country): a 422."""

    status = 422


class ImportRefused(BadInput):
    """A diagnostic's file with errors: nothing was imported; `errors` lists them by line."""

    def __init__(self, errors: Sequence[str], more: int = 0) -> None:
        super().__init__(_("Nothing was imported: correct the file and import it again."))
        self.errors = list(errors)
        self.more = more


def _manager(user: AnyUser | None, country_id: UUID) -> User:
    if not manages_networks(user, country_id):
        raise PermissionDenied
    return user


def _version(
    row: Action | Meeting | Study | Document | Group | Member, version: int | None
) -> None:
    if version is not None and version != row.version:
        raise StaleEdit()


def _locked[M: (Document, Group, Member)](row: M, version: int | None) -> M:
    """The row locked for the change, checked against the version the form was loaded with; a
    row removed meanwhile is refused."""
    locked = type(row).objects.select_for_update().get(pk=row.pk)
    if locked.deleted_at is not None:
        raise NetworksRefused(_("This record was removed meanwhile; nothing was saved."))
    _version(locked, version)
    return locked


def _document_manager(user: AnyUser | None, document: Document) -> User:
    """A country's document: its managers; a document of every country: M&E and
    administrators (a coordinator manages their own country's only)."""
    if document.country_id is not None:
        return _manager(user, document.country_id)
    if not reads_aggregates_only(user):
        raise PermissionDenied
    return user


def _text(*values: str) -> None:
    if any(has_bidi_controls(value) for value in values):
        raise BadInput(str(BIDI_MESSAGE))


def _required(value: str, message: str) -> str:
    if not value.strip():
        raise BadInput(message)
    return value.strip()


def _organisations(orgs: Sequence[Organisation], country_id: UUID) -> None:
    if any(org.country_id != country_id for org in orgs):
        raise BadInput(_("Choose organisations of the record's country."))


def _not_future(day: date) -> None:
    if day > timezone.localdate():
        raise BadInput(_("This date is still to come."))


def _stamp[
    M: (Document, Support, SupportParticipant, Group, Member, Meeting, Action, ActionUpdate, Study)
](row: M, by: User) -> M:
    row.created_by = row.updated_by = by
    return row


# The resource centre
# =============================================================================================


@dataclass
class DocumentInput:
    title: str
    kind: str
    theme: str
    language: str
    description: str = ""


def document_add(
    *, country: Country | None, data: DocumentInput, file: UploadedFile[bytes], by: AnyUser | None
) -> Document:
    """A document of a country's library (of every country's, `country` None: M&E and
    administrators). The file is already checked (`files.document_check`)."""
    if country is not None:
        user = _manager(by, country.pk)
    elif reads_aggregates_only(by):
        user = by
    else:
        raise PermissionDenied
    _text(data.title)
    title = _required(data.title, _("Give the document a title."))
    with transaction.atomic():
        document = _stamp(
            Document(
                country=country,
                title=title,
                kind=data.kind,
                theme=data.theme,
                language=data.language,
                description=data.description.strip(),
                file=file,
                content_type=file.content_type or "",
                size=file.size or 0,
            ),
            user,
        )
        document.full_clean(exclude=["file"])
        document.save()
        event_log(actor=user, verb="document_added", obj=document)
    return document


def document_edit(
    *,
    document: Document,
    data: DocumentInput,
    file: UploadedFile[bytes] | None = None,
    version: int | None = None,
    by: AnyUser | None,
) -> Document:
    """The document's title, kind, theme, language and description; its file replaced when
    `file` is given (already checked by `files.document_check`). Its country stays."""
    user = _document_manager(by, document)
    _text(data.title)
    title = _required(data.title, _("Give the document a title."))
    with transaction.atomic():
        locked = _locked(document, version)
        locked.title = title
        locked.kind = data.kind
        locked.theme = data.theme
        locked.language = data.language
        locked.description = data.description.strip()
        fields = ["title", "kind", "theme", "language", "description"]
        if file is not None:
            locked.file = file
            locked.content_type = file.content_type or ""
            locked.size = file.size or 0
            fields += ["file", "content_type", "size"]
        locked.full_clean(exclude=["file"])
        locked.save(update_fields=[*fields, *locked.touch(by=user)])
        event_log(actor=user, verb="document_edited", obj=locked)
    return locked


def document_remove(*, document: Document, version: int | None = None, by: AnyUser | None) -> None:
    """The document leaves the library (a tombstone: the row stays, marked removed)."""
    user = _document_manager(by, document)
    with transaction.atomic():
        locked = _locked(document, version)
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at", *locked.touch(by=user)])
        event_log(actor=user, verb="document_removed", obj=locked)


@dataclass
class SupportInput:
    kind: str
    topic: str
    on: date
    theme: str = ""
    facilitator: str = ""
    notes: str = ""


def support_record(
    *,
    country: Country,
    data: SupportInput,
    organisations: Sequence[Organisation],
    by: AnyUser | None,
) -> Support:
    """A training or coaching session given to CSOs of the country."""
    user = _manager(by, country.pk)
    _text(data.topic, data.facilitator)
    topic = _required(data.topic, _("Give the topic of the support."))
    if not organisations:
        raise BadInput(_("Choose at least one organisation supported."))
    _organisations(organisations, country.pk)
    _not_future(data.on)
    with transaction.atomic():
        support = _stamp(
            Support(
                country=country,
                kind=data.kind,
                topic=topic,
                theme=data.theme,
                on=data.on,
                facilitator=data.facilitator.strip(),
                notes=data.notes.strip(),
            ),
            user,
        )
        support.full_clean()
        support.save()
        support.organisations.set(organisations)
        event_log(actor=user, verb="support_recorded", obj=support)
    return support


def support_participant_add(
    *,
    support: Support,
    name: str,
    sex: str,
    organisation: Organisation,
    position: str = "",
    by: AnyUser | None,
) -> SupportParticipant:
    """A CSO staff member who attended; their organisation is one of those supported."""
    user = _manager(by, support.country_id)
    _text(name, position)
    name = _required(name, _("Give the participant's name."))
    if sex not in Sex.values:
        raise BadInput(_("Give the participant's sex."))
    if not support.organisations.filter(pk=organisation.pk).exists():
        raise BadInput(_("The participant's organisation must be one of those supported."))
    with transaction.atomic():
        row = _stamp(
            SupportParticipant(
                support=support,
                name=name,
                sex=sex,
                organisation=organisation,
                position=position.strip(),
            ),
            user,
        )
        row.save()
        support.save(update_fields=support.touch(by=user))
    return row


# GTPS
# =============================================================================================


def group_create(
    *, country: Country, area: Area | None, name: str, mandate: str = "", by: AnyUser | None
) -> Group:
    user = _manager(by, country.pk)
    _text(name)
    name = _required(name, _("Give the group a name."))
    if area is not None and area.country_id != country.pk:
        raise BadInput(_("The region must be in the group's country."))
    with transaction.atomic():
        group = _stamp(Group(country=country, area=area, name=name, mandate=mandate.strip()), user)
        group.save()
        event_log(actor=user, verb="group_created", obj=group)
    return group


def group_edit(
    *,
    group: Group,
    area: Area | None,
    name: str,
    mandate: str = "",
    version: int | None = None,
    by: AnyUser | None,
) -> Group:
    """The group's name, region and mandate; its country stays."""
    user = _manager(by, group.country_id)
    _text(name)
    name = _required(name, _("Give the group a name."))
    if area is not None and area.country_id != group.country_id:
        raise BadInput(_("The region must be in the group's country."))
    with transaction.atomic():
        locked = _locked(group, version)
        locked.name, locked.area, locked.mandate = name, area, mandate.strip()
        locked.save(update_fields=["name", "area", "mandate", *locked.touch(by=user)])
        event_log(actor=user, verb="group_edited", obj=locked)
    return locked


def group_remove(*, group: Group, version: int | None = None, by: AnyUser | None) -> None:
    """The group is removed with its members, meetings and actions (tombstones, in one
    transaction): its meetings and actions no longer count in the results."""
    user = _manager(by, group.country_id)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(group, version)
        children: list[Member | Meeting | Action | ActionUpdate] = [
            *locked.members.filter(deleted_at__isnull=True),
            *locked.meetings.filter(deleted_at__isnull=True),
            *locked.actions.filter(deleted_at__isnull=True),
            *ActionUpdate.objects.filter(action__group=locked, deleted_at__isnull=True),
        ]
        for child in children:
            child.deleted_at = now
            child.save(update_fields=["deleted_at", *child.touch(by=user, at=now)])
        locked.deleted_at = now
        locked.save(update_fields=["deleted_at", *locked.touch(by=user, at=now)])
        event_log(actor=user, verb="group_removed", obj=locked, data={"records": len(children)})


def member_add(
    *,
    group: Group,
    organisation: Organisation | None,
    name: str,
    sector: str,
    position: str = "",
    by: AnyUser | None,
) -> Member:
    """A member: an organisation, a named contact person, or a contact of an organisation."""
    user = _manager(by, group.country_id)
    _text(name, position)
    if organisation is None and not name.strip():
        raise BadInput(_("Give the member's organisation or name."))
    if organisation is not None:
        _organisations([organisation], group.country_id)
    if sector not in Sector.values:
        raise BadInput(_("Choose the member's sector."))
    with transaction.atomic():
        member = _stamp(
            Member(
                group=group,
                organisation=organisation,
                name=name.strip(),
                sector=sector,
                position=position.strip(),
            ),
            user,
        )
        member.save()
        group.save(update_fields=group.touch(by=user))
    return member


def member_edit(
    *,
    member: Member,
    organisation: Organisation | None,
    name: str,
    sector: str,
    position: str = "",
    version: int | None = None,
    by: AnyUser | None,
) -> Member:
    user = _manager(by, member.group.country_id)
    _text(name, position)
    if organisation is None and not name.strip():
        raise BadInput(_("Give the member's organisation or name."))
    if organisation is not None:
        _organisations([organisation], member.group.country_id)
    if sector not in Sector.values:
        raise BadInput(_("Choose the member's sector."))
    with transaction.atomic():
        locked = _locked(member, version)
        locked.organisation, locked.name = organisation, name.strip()
        locked.sector, locked.position = sector, position.strip()
        fields = ["organisation", "name", "sector", "position"]
        locked.save(update_fields=[*fields, *locked.touch(by=user)])
        event_log(actor=user, verb="member_edited", obj=locked)
    return locked


def member_remove(*, member: Member, version: int | None = None, by: AnyUser | None) -> None:
    """The member leaves the group (a tombstone); the meetings it attended keep it present."""
    user = _manager(by, member.group.country_id)
    with transaction.atomic():
        locked = _locked(member, version)
        locked.deleted_at = timezone.now()
        locked.save(update_fields=["deleted_at", *locked.touch(by=user)])
        group = Group.objects.select_for_update().get(pk=locked.group_id)
        group.save(update_fields=group.touch(by=user))
        event_log(actor=user, verb="member_removed", obj=locked)


def meeting_plan(*, group: Group, on: date, agenda: str, by: AnyUser | None) -> Meeting:
    user = _manager(by, group.country_id)
    agenda = _required(agenda, _("Give the meeting's agenda."))
    if on.year < 2000:
        raise BadInput(_("Give a date after the year 2000."))
    with transaction.atomic():
        meeting = _stamp(
            Meeting(group=group, on=on, status=MeetingStatus.PLANNED, agenda=agenda), user
        )
        meeting.save()
        event_log(actor=user, verb="meeting_planned", obj=meeting)
    return meeting


def meeting_record(
    *,
    meeting: Meeting,
    held_on: date,
    attendees: Sequence[Member],
    minutes: str,
    decisions: str,
    version: int | None = None,
    by: AnyUser | None,
) -> Meeting:
    """The meeting held: who of the members was there, the minutes and the decisions."""
    user = _manager(by, meeting.group.country_id)
    _not_future(held_on)
    if any(member.group_id != meeting.group_id for member in attendees):
        raise BadInput(_("Those present must be members of the group."))
    if not minutes.strip() and not decisions.strip():
        raise BadInput(_("Write the minutes or the decisions of the meeting."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _version(locked, version)
        locked.status = MeetingStatus.HELD
        locked.on = held_on
        locked.minutes = minutes.strip()
        locked.decisions = decisions.strip()
        locked.save(update_fields=["status", "on", "minutes", "decisions", *locked.touch(by=user)])
        locked.attendees.set(attendees)
        event_log(actor=user, verb="meeting_held", obj=locked, data={"present": len(attendees)})
    return locked


@dataclass
class ActionInput:
    title: str
    deadline: date
    lead: Organisation | None = None
    policy: str = ""
    meeting: Meeting | None = None


def action_create(*, group: Group, data: ActionInput, by: AnyUser | None) -> Action:
    user = _manager(by, group.country_id)
    _text(data.title, data.policy)
    title = _required(data.title, _("Describe the action."))
    if data.lead is not None:
        _organisations([data.lead], group.country_id)
    if data.meeting is not None and data.meeting.group_id != group.pk:
        raise BadInput(_("The meeting must be one of the group's."))
    # An action decided at a meeting is planned from the meeting's day.
    today = timezone.localdate()
    since = min(data.meeting.on, today) if data.meeting is not None else today
    with transaction.atomic():
        action = _stamp(
            Action(
                group=group,
                meeting=data.meeting,
                title=title,
                lead=data.lead,
                deadline=data.deadline,
                policy=data.policy.strip(),
                status=ActionStatus.PLANNED,
                status_on=since,
            ),
            user,
        )
        action.save()
        _stamp(ActionUpdate(action=action, status=action.status, on=since), user).save()
        event_log(actor=user, verb="action_created", obj=action)
    return action


# The moves an action's status may make; done and dropped are where it ends.
MOVES = {
    ActionStatus.PLANNED: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED},
    ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.DROPPED},
    ActionStatus.DONE: set(),
    ActionStatus.DROPPED: set(),
}


def action_update(
    *,
    action: Action,
    status: str,
    on: date,
    note: str = "",
    version: int | None = None,
    by: AnyUser | None,
) -> Action:
    """A step of the action: its new status from the day `on`, and a note; kept in its
    history. A note alone (the same status) records progress."""
    user = _manager(by, action.group.country_id)
    _not_future(on)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        _version(locked, version)
        if status not in ActionStatus.values:
            raise BadInput(_("Choose the action's status."))
        if status != locked.status and status not in MOVES[ActionStatus(locked.status)]:
            raise NetworksRefused(
                _("This action is closed (%(status)s): its status can no longer change.")
                % {"status": locked.get_status_display()}
            )
        if status == locked.status and not note.strip():
            raise BadInput(_("Change the status or write a note."))
        if on < locked.status_on:
            raise BadInput(_("The date is before the action's last step."))
        fields = locked.touch(by=user)
        if status != locked.status:
            locked.status, locked.status_on = status, on
            fields += ["status", "status_on"]
        locked.save(update_fields=fields)
        _stamp(ActionUpdate(action=locked, status=status, on=on, note=note.strip()), user).save()
        event_log(actor=user, verb="action_updated", obj=locked, data={"status": status})
    return locked


# Diagnostics
# =============================================================================================


@dataclass
class StudyInput:
    title: str
    starts_on: date
    ends_on: date
    area: Area | None = None
    questionnaire: str = ""


def study_create(
    *,
    country: Country,
    data: StudyInput,
    partners: Sequence[Organisation],
    by: AnyUser | None,
) -> Study:
    user = _manager(by, country.pk)
    _text(data.title)
    title = _required(data.title, _("Give the diagnostic a title."))
    if data.ends_on < data.starts_on:
        raise BadInput(_("The period ends before it starts."))
    if data.area is not None and data.area.country_id != country.pk:
        raise BadInput(_("The area must be in the diagnostic's country."))
    if not partners:
        raise BadInput(_("Choose the partner universities."))
    _organisations(partners, country.pk)
    with transaction.atomic():
        study = _stamp(
            Study(
                country=country,
                title=title,
                area=data.area,
                starts_on=data.starts_on,
                ends_on=data.ends_on,
                questionnaire=data.questionnaire.strip(),
            ),
            user,
        )
        study.save()
        study.partners.set(partners)
        event_log(actor=user, verb="study_created", obj=study)
    return study


def study_import(*, study: Study, raw: bytes, name: str, by: AnyUser | None) -> int:
    """The collected data, replacing what was imported before: every line is checked first,
    and with any error nothing is written (ImportRefused lists them). Returns the lines read."""
    user = _manager(by, study.country_id)
    if study.status == StudyStatus.PUBLISHED:
        raise NetworksRefused(_("This diagnostic is published; its data can no longer change."))
    reading = read_responses(study, raw, name)
    if reading.errors:
        raise ImportRefused(reading.errors, reading.more_errors)
    now = timezone.now()
    with transaction.atomic():
        locked = Study.objects.select_for_update().get(pk=study.pk)
        locked.responses.all().delete()
        Response.objects.bulk_create(
            [
                Response(
                    study=locked,
                    line=line.line,
                    area=line.area,
                    sex=line.sex,
                    age=line.age,
                    interviewed_on=line.interviewed_on,
                    answers=line.answers,
                    created_by=user,
                    updated_by=user,
                )
                for line in reading.lines
            ],
            batch_size=500,
        )
        locked.status = StudyStatus.COLLECTED
        locked.imported_at = now
        locked.save(update_fields=["status", "imported_at", *locked.touch(by=user)])
        event_log(actor=user, verb="study_imported", obj=locked, data={"lines": len(reading.lines)})
    return len(reading.lines)


def study_publish(
    *,
    study: Study,
    summary: str,
    report: UploadedFile[bytes] | None = None,
    version: int | None = None,
    by: AnyUser | None,
) -> Study:
    """The published report: the findings written on its page, and the report as a PDF
    (already checked by `files.document_check(report=True)`), once the data is imported."""
    user = _manager(by, study.country_id)
    if study.status == StudyStatus.DRAFT:
        raise NetworksRefused(_("Import the diagnostic's data before publishing it."))
    if not summary.strip() and report is None and not study.report:
        raise BadInput(_("Write the findings or attach the report."))
    with transaction.atomic():
        locked = Study.objects.select_for_update().get(pk=study.pk)
        _version(locked, version)
        locked.summary = summary.strip()
        fields = ["summary", "status", "published_on"]
        if report is not None:
            locked.report = report
            locked.report_type = report.content_type or ""
            fields += ["report", "report_type"]
        locked.status = StudyStatus.PUBLISHED
        locked.published_on = locked.published_on or timezone.localdate()
        locked.save(update_fields=[*fields, *locked.touch(by=user)])
        event_log(actor=user, verb="study_published", obj=locked)
    return locked

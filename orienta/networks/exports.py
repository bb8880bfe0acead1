"""The networks as spreadsheets, as the user may read them: the GTPS (groups, meetings and
actions), the resource centre (library, support given to CSOs and its attendance) and a
diagnostic's computed tables. Members are organisations and named contacts, never persons of
the registry; every cell goes through `tabular` (a name typed as a formula is written as
text)."""

from uuid import UUID

from django.utils.translation import gettext as _

from orienta.core.types import AnyUser
from orienta.lib.tabular import Sheet
from orienta.networks import queries
from orienta.networks.diagnostics import study_tables
from orienta.networks.models import Sex, Study, Support, SupportParticipant


def gtps_xlsx(user: AnyUser | None) -> bytes:
    sheet = Sheet(title=_("GTPS"))
    groups = queries.group_list(user)
    sheet.append([_("Working groups (GTPS)")], bold=True, size=13)
    sheet.append(
        [_("Country"), _("Region"), _("Group"), _("Members"), _("Meetings held")], bold=True
    )
    for group in groups:
        sheet.append(
            [
                group.country.code,
                group.area.name if group.area else "",
                group.name,
                getattr(group, "member_count", 0),
                getattr(group, "meeting_count", 0),
            ]
        )
    sheet.append([])
    sheet.append([_("Meetings")], bold=True, size=13)
    sheet.append([_("Group"), _("Date"), _("Status"), _("Agenda"), _("Decisions")], bold=True)
    for meeting in queries.meetings(user).order_by("group__name", "-on")[: queries.LIMIT * 5]:
        sheet.append(
            [
                meeting.group.name,
                meeting.on,
                meeting.get_status_display(),
                meeting.agenda,
                meeting.decisions,
            ]
        )
    sheet.append([])
    sheet.append([_("Actions")], bold=True, size=13)
    sheet.append(
        [
            _("Group"),
            _("Action"),
            _("Lead organisation"),
            _("Deadline"),
            _("Status"),
            _("Since"),
            _("Policy or strategy served"),
        ],
        bold=True,
    )
    for action in queries.actions(user).order_by("group__name", "deadline")[: queries.LIMIT * 5]:
        sheet.append(
            [
                action.group.name,
                action.title,
                action.lead.name if action.lead else "",
                action.deadline,
                action.get_status_display(),
                action.status_on,
                action.policy,
            ]
        )
    return sheet.to_bytes()


# The resource centre
# =============================================================================================


def resources_xlsx(user: AnyUser | None) -> bytes:
    """The library, the support given to CSOs with attendance by sex, and (for those who may
    read them) the names of those who attended."""
    sheet = Sheet(title=_("Library"))
    sheet.append(
        [_("Title"), _("Kind"), _("Theme"), _("Language"), _("Country"), _("Size (bytes)")],
        bold=True,
    )
    for d in queries.documents(user).order_by("title")[: queries.LIMIT * 5]:
        sheet.append(
            [
                d.title,
                d.get_kind_display(),
                d.get_theme_display(),
                d.get_language_display(),
                d.country.code if d.country else _("Every country"),
                d.size,
            ]
        )
    supports = list(queries.supports(user).prefetch_related("organisations")[: queries.LIMIT * 5])
    participants = queries.participants_of(user, supports)
    sheet.add(_("Support given to CSOs"))
    sheet.append(
        [
            _("Country"),
            _("Date"),
            _("Kind"),
            _("Topic"),
            _("Theme"),
            _("Facilitator"),
            _("Organisations supported"),
            _("Women"),
            _("Men"),
            _("Participants"),
        ],
        bold=True,
    )
    for s in supports:
        present = participants.get(s.pk, [])
        women = sum(1 for p in present if p.sex == Sex.FEMALE)
        sheet.append(
            [
                s.country.code,
                s.on,
                s.get_kind_display(),
                s.topic,
                s.get_theme_display(),
                s.facilitator,
                "; ".join(sorted(o.name for o in s.organisations.all())),
                women,
                len(present) - women,
                len(present),
            ]
        )
    if queries.reads_attendance_names(user):
        _attendance(sheet, user, supports, participants)
    return sheet.to_bytes()


def _attendance(
    sheet: Sheet,
    user: AnyUser | None,
    supports: list[Support],
    participants: dict[UUID, list[SupportParticipant]],
) -> None:
    sheet.add(_("Attendance"))
    sheet.append(
        [_("Date"), _("Topic"), _("Name"), _("Sex"), _("Organisation"), _("Position")], bold=True
    )
    for s in supports:
        for p in participants.get(s.pk, []):
            sheet.append(
                [s.on, s.topic, p.name, p.get_sex_display(), p.organisation.name, p.position]
            )


# Diagnostics
# =============================================================================================


def study_xlsx(study: Study) -> bytes:
    """A diagnostic's computed tables (by area, sex and age band), small counts left empty as
    on the page; the study's title, country, area and period on top."""
    sheet = Sheet(title=_("Diagnostic"))
    sheet.append([study.title], bold=True, size=13)
    sheet.append([_("Country"), study.country.code])
    sheet.append([_("Area studied"), study.area.name if study.area else ""])
    sheet.append([_("Period"), study.starts_on, study.ends_on])
    sheet.append([_("Status"), study.get_status_display()])
    sheet.append([_("Empty cells are hidden because they rest on too few respondents.")])
    for table in study_tables(study):
        sheet.append([])
        sheet.append([table.title], bold=True)
        sheet.append(["", *[label for _c, label in table.columns], _("Total")], bold=True)
        for label, figures, total in table.body:
            sheet.append([label, *[f.value for f in figures], total.value])
        sheet.append([_("Total"), *[f.value for f in table.footer], table.total.value], bold=True)
    return sheet.to_bytes()

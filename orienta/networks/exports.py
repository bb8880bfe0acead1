"""The GTPS as a spreadsheet: one sheet of groups, meetings and actions, as the user may read
them. Members are organisations and named contacts, never persons of the registry; every cell
goes through `tabular` (a name typed as a formula is written as text)."""

from django.utils.translation import gettext as _

from orienta.core.types import AnyUser
from orienta.lib.tabular import Sheet
from orienta.networks import queries


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

"""The CSOs (with their contacts), their assessments, capacity-development plans, grants and
funding applications as spreadsheets, for the user's scope. Every cell goes through the
formula-safe writer (a name typed as "=HYPERLINK(…)" stays text).

Contacts (names, phones, emails of a CSO's staff and board: organisational contacts, not
beneficiaries) follow `partners.access.reads_contacts`, as on the CSO's page and in the API:
whoever edits a CSO's record gets its contacts (its own staff, the coordinator of its country,
headquarters). An administrator, who reads the CSOs without editing them, gets no contacts
sheet."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.utils.translation import gettext as _

from orienta.core.models import Organisation
from orienta.core.types import AnyUser
from orienta.lib.tabular import Sheet
from orienta.partners import queries, services
from orienta.partners.access import edits_partners, reads_contacts
from orienta.partners.models import Application, Contact, Grant, PlanAction, Profile

MAX_ROWS = 5000


def csos_xlsx(user: AnyUser) -> bytes:
    rows = list(queries.cso_list(user)[:MAX_ROWS])
    profiles = {
        p.organisation_id: p for p in Profile.objects.filter(organisation__in=[o.pk for o in rows])
    }
    funds = queries.mobilised([o.pk for o in rows])
    sheet = Sheet(_("Partner CSOs"))
    sheet.append(
        [
            _("Country"),
            _("Name"),
            _("Legal status"),
            _("Registration number"),
            _("Year founded"),
            _("Paid staff"),
            _("Volunteers"),
            _("Annual budget"),
            _("Currency"),
            _("Sites run"),
            _("Last assessed"),
            _("Funds obtained"),
        ],
        bold=True,
    )
    for o in rows:
        p = profiles.get(o.pk)
        sheet.append(
            [
                o.country.code,
                o.name,
                p.get_legal_status_display() if p else "",
                p.registration_number if p else "",
                p.year_founded if p else None,
                p.staff if p else None,
                p.volunteers if p else None,
                p.annual_budget if p else None,
                p.budget_currency if p else "",
                o.site_count,  # type: ignore[attr-defined]
                o.last_assessed,  # type: ignore[attr-defined]
                "; ".join(f"{amount} {currency}" for currency, amount in funds.get(o.pk, [])),
            ]
        )
    if edits_partners(user):
        _contacts(sheet, [o for o in rows if reads_contacts(user, o)])
    return sheet.to_bytes()


def _contacts(sheet: Sheet, organisations: list[Organisation]) -> None:
    names = {o.pk: o.name for o in organisations}
    found = Contact.objects.filter(organisation__in=list(names), deleted_at__isnull=True).order_by(
        "organisation__name", "name"
    )
    sheet.add(_("Contacts"))
    sheet.append([_("CSO"), _("Name"), _("Position"), _("Phone"), _("Email")], bold=True)
    for c in found[:MAX_ROWS]:
        sheet.append([names[c.organisation_id], c.name, c.position, c.phone, c.email])


def assessments_xlsx(user: AnyUser) -> bytes:
    rows = list(
        queries.assessments(user)
        .select_related("organisation__country")
        .order_by("organisation__name", "assessed_on")[:MAX_ROWS]
    )
    areas = sorted({code for a in rows for code in a.areas})
    sheet = Sheet(_("Capacity assessments"))
    sheet.append(
        [_("Country"), _("CSO"), _("Date"), _("Tool"), _("Version"), _("Average"), _("Stage")]
        + [f"{code} ({_('average')})" for code in areas]
        + [f"{code} ({_('stage')})" for code in areas],
        bold=True,
    )
    for a in rows:
        sheet.append(
            [
                a.organisation.country.code,
                a.organisation.name,
                a.assessed_on,
                a.tool.code,
                a.tool.revision,
                a.average,
                a.stage,
            ]
            + [_decimal(a.areas.get(code, {}).get("average")) for code in areas]
            + [a.areas.get(code, {}).get("stage", "") for code in areas]
        )
    return sheet.to_bytes()


def _decimal(text: str | None) -> object:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return text


def grants_xlsx(user: AnyUser) -> bytes:
    found = queries.grants(user).prefetch_related("tranches", "reports")
    rows: list[Grant] = list(found.order_by("organisation__name", "starts_on")[:MAX_ROWS])
    sheet = Sheet(_("Sub-grants"))
    sheet.append(
        [
            _("Country"),
            _("CSO"),
            _("Reference"),
            _("Purpose"),
            _("Amount"),
            _("Currency"),
            _("From"),
            _("To"),
            _("Tranches"),
            _("Released"),
            _("Reports due"),
            _("Reports received"),
        ],
        bold=True,
    )
    for g in rows:
        tranches = [t for t in g.tranches.all() if t.deleted_at is None]
        reports = [r for r in g.reports.all() if r.deleted_at is None]
        sheet.append(
            [
                g.organisation.country.code,
                g.organisation.name,
                g.reference,
                g.purpose,
                g.amount,
                g.currency,
                g.starts_on,
                g.ends_on,
                len(tranches),
                sum((t.amount for t in tranches if t.released_on), 0),
                len(reports),
                sum(1 for r in reports if r.received_on),
            ]
        )
    return sheet.to_bytes()


def applications_xlsx(user: AnyUser) -> bytes:
    """The funding applications, and their totals per CSO and per year (what was requested in
    the year it was submitted, what was obtained in the year of the donor's decision)."""
    found = Application.objects.visible_to(user).select_related("organisation__country")
    rows: list[Application] = list(found.order_by("organisation__name", "-created_at")[:MAX_ROWS])
    sheet = Sheet(_("Funding applications"))
    sheet.append(
        [
            _("Country"),
            _("CSO"),
            _("Donor"),
            _("Call for proposals"),
            _("Amount requested"),
            _("Currency"),
            _("Stage"),
            _("Submitted on"),
            _("Decided on"),
            _("Amount obtained"),
        ],
        bold=True,
    )
    by_cso: dict[UUID, list[Application]] = {}
    for a in rows:
        by_cso.setdefault(a.organisation_id, []).append(a)
        sheet.append(
            [
                a.organisation.country.code,
                a.organisation.name,
                a.donor,
                a.call,
                a.amount_requested,
                a.currency,
                a.get_stage_display(),
                a.submitted_on,
                a.decided_on,
                a.amount_obtained,
            ]
        )
    sheet.add(_("Totals per CSO and year"))
    sheet.append(
        [
            _("CSO"),
            _("Year"),
            _("Currency"),
            _("Applications submitted"),
            _("Amount requested"),
            _("Applications won"),
            _("Amount obtained"),
        ],
        bold=True,
    )
    for items in by_cso.values():
        for t in queries.application_totals(items):
            name = items[0].organisation.name
            sheet.append([name, t.year, t.currency, t.submitted, t.requested, t.won, t.obtained])
    return sheet.to_bytes()


def actions_xlsx(user: AnyUser) -> bytes:
    """The actions of the CSOs' capacity-development plans."""
    found = PlanAction.objects.visible_to(user).select_related(
        "organisation__country", "assessment__tool"
    )
    rows: list[PlanAction] = list(found.order_by("organisation__name", "due_on")[:MAX_ROWS])
    current = services.current_tool()
    sheet = Sheet(_("Capacity-development plans"))
    sheet.append(
        [
            _("Country"),
            _("CSO"),
            _("Area"),
            _("Action"),
            _("Type of support"),
            _("Responsible"),
            _("Due on"),
            _("Status"),
            _("Done on"),
        ],
        bold=True,
    )
    for a in rows:
        tool = a.assessment.tool if a.assessment else current
        area = next((x for x in tool.parsed().areas if x.code == a.area), None) if tool else None
        sheet.append(
            [
                a.organisation.country.code,
                a.organisation.name,
                area.name if area else a.area,
                a.description,
                a.get_support_display(),
                a.responsible,
                a.due_on,
                a.get_status_display(),
                a.done_on,
            ]
        )
    return sheet.to_bytes()


WRITERS: dict[str, Callable[[AnyUser], bytes]] = {
    "csos": csos_xlsx,
    "assessments": assessments_xlsx,
    "grants": grants_xlsx,
    "applications": applications_xlsx,
    "actions": actions_xlsx,
}

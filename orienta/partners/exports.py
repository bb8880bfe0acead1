"""The CSOs, their assessments and their grants as spreadsheets, for the user's scope. Every
cell goes through the formula-safe writer (a name typed as "=HYPERLINK(…)" stays text)."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from orienta.core.types import AnyUser
from orienta.lib.tabular import Sheet
from orienta.partners import queries
from orienta.partners.models import Grant, Profile

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
    return sheet.to_bytes()


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


WRITERS: dict[str, Callable[[AnyUser], bytes]] = {
    "csos": csos_xlsx,
    "assessments": assessments_xlsx,
    "grants": grants_xlsx,
}

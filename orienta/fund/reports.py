"""Reports of the support fund: a provider's statement (PDF, XLSX) and spending by beneficiary.

PDFs are drawn with fpdf2's core fonts: text goes through `orienta.lib.pdf.latin1` first.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from orienta.core.models import Theme
from orienta.frontdesk.models import AgeBand, age_band
from orienta.fund.money import money_format
from orienta.lib.pdf import NEXT_LINE, document, latin1
from orienta.lib.tabular import Sheet
from orienta.people.models import Sex


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def statement_heading(stmt) -> list[str]:
    period = stmt.period
    return [
        _("Support fund: statement of a provider"),
        stmt.provider.name,
        _("Period: %(name)s (%(start)s to %(end)s)")
        % {"name": period.name, "start": _day(period.starts_on), "end": _day(period.ends_on)},
    ]


def statement_columns() -> list[str]:
    return [
        _("Reference"),
        _("Site"),
        _("Service"),
        _("Referral"),
        _("Approved on"),
        _("Status"),
        _("Amount"),
        _("Amount in euros"),
        _("Payment"),
        _("Paid on"),
    ]


def _units(line) -> str:
    """The service of a line, with the number of units when it pays several: "3 × Copie"."""
    return f"{line.quantity} × {line.service}" if line.quantity > 1 else line.service


def statement_totals(stmt) -> list[tuple[str, Decimal]]:
    return [
        (_("Owed (approved, not yet paid)"), stmt.owed),
        (_("Paid"), stmt.paid),
        (_("Reversed"), stmt.reversed),
    ]


def statement_pdf(stmt) -> bytes:
    pdf = document(orientation="L", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_title(latin1(statement_heading(stmt)[0]))
    for i, line in enumerate(statement_heading(stmt)):
        pdf.set_font("helvetica", "B" if i < 2 else "", 14 if i == 0 else 11)
        pdf.multi_cell(0, 7, latin1(line), **NEXT_LINE)
    pdf.ln(3)
    widths = [32, 20, 56, 18, 22, 28, 26, 22, 36, 17]  # the 277 mm between the margins
    pdf.set_font("helvetica", "B", 8)
    for w, title in zip(widths, statement_columns(), strict=True):
        pdf.cell(w, 6, latin1(title), border=1)
    pdf.ln()
    pdf.set_font("helvetica", "", 8)
    for li in stmt.lines:
        values = [
            li.code,
            li.site,
            _units(li)[:38],
            li.referral,
            _day(li.approved_on),
            li.status_label,
            money_format(li.amount, stmt.currency),
            money_format(li.amount_eur, "EUR"),
            li.payment[:28],
            _day(li.paid_on),
        ]
        for w, value in zip(widths, values, strict=True):
            pdf.cell(w, 6, latin1(value), border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_font("helvetica", "B", 10)
    for label, amount in statement_totals(stmt):
        local, eur = money_format(amount, stmt.currency), money_format(stmt.eur(amount), "EUR")
        text = f"{label}: {local} ({eur})"
        pdf.multi_cell(0, 6, latin1(text), **NEXT_LINE)
    pdf.set_font("helvetica", "", 8)
    printed = _("Printed on %(date)s") % {
        "date": date_format(timezone.localtime(), "DATETIME_FORMAT")
    }
    pdf.multi_cell(0, 6, latin1(printed), **NEXT_LINE)
    return bytes(pdf.output())


def statement_xlsx(stmt) -> bytes:
    sheet = Sheet(title=stmt.period.name or "statement")
    for i, line in enumerate(statement_heading(stmt)):
        sheet.append([line], bold=i == 0, size=13 if i == 0 else None)
    sheet.append([])
    columns = statement_columns()
    sheet.append(columns[:6] + [_("Quantity")] + columns[6:] + [_("Currency")], bold=True)
    for li in stmt.lines:
        sheet.append(
            [
                li.code,
                li.site,
                li.service,
                li.referral,
                li.approved_on,
                li.status_label,
                li.quantity,
                li.amount,
                li.amount_eur,
                li.payment,
                li.paid_on,
                stmt.currency,
            ]
        )
    sheet.append([])
    for label, amount in statement_totals(stmt):
        sheet.append(
            [label, "", "", "", "", "", "", amount, stmt.eur(amount), "", "", stmt.currency]
        )
    return sheet.to_bytes()


# Spending by beneficiary
# =============================================================================================


@dataclass
class Row:
    label: str
    persons: int = 0
    requests: int = 0
    amount: Decimal = Decimal(0)
    amount_eur: Decimal = Decimal(0)


@dataclass
class Spending:
    currency: str
    total: Row
    tables: dict[str, list[Row]] = field(default_factory=dict)


def _rows(grouped: dict, labels: dict) -> list[Row]:
    rows = []
    for key, (persons, requests, amount, eur) in grouped.items():
        rows.append(Row(str(labels.get(key, key)), len(persons), requests, amount, eur))
    return sorted(rows, key=lambda r: (-r.amount, r.label))


def spending(requests, currency: str) -> Spending:
    """What was paid (payments not reversed) by theme of the service, by service, by sex and by
    age band of the beneficiaries: persons, requests, amount, in local currency and euros."""
    paid = list(
        requests.filter(status="paid")
        .select_related("person", "service")
        .prefetch_related("service__themes")
    )
    groups: dict[str, dict] = {name: {} for name in ("theme", "service", "sex", "age")}
    for r in paid:
        band = age_band(r.person.age_on(r.created_at.date()))
        themes = [t.pk for t in r.service.themes.all()] if r.service_id else []
        keys = {
            "theme": themes or ["—"],
            "service": [r.service_name or "—"],
            "sex": [r.person.sex],
            "age": [band],
        }
        for table, values in keys.items():
            for key in values:
                slot = groups[table].setdefault(key, [set(), 0, Decimal(0), Decimal(0)])
                slot[0].add(r.person_id)
                slot[1] += 1
                slot[2] += r.amount
                slot[3] += r.amount_eur
    theme_labels = {t.pk: str(t) for t in Theme.objects.all()}
    total = Row(
        _("Total"),
        len({r.person_id for r in paid}),
        len(paid),
        sum((r.amount for r in paid), Decimal(0)),
        sum((r.amount_eur for r in paid), Decimal(0)),
    )
    return Spending(
        currency,
        total,
        {
            "theme": _rows(groups["theme"], theme_labels),
            "service": _rows(groups["service"], {}),
            "sex": _rows(groups["sex"], dict(Sex.choices)),
            "age": _rows(groups["age"], dict(AgeBand.choices)),
        },
    )


def beneficiaries_xlsx(requests, period) -> bytes:
    """The requests of a period with their beneficiaries, one line each (personal data: made
    only through an export with a reason, see views_reports.export)."""
    sheet = Sheet(title=period.name or "requests")
    sheet.append(
        [
            _("Reference"),
            _("Site"),
            _("Person"),
            _("Code"),
            _("Sex"),
            _("Age band"),
            _("Service"),
            _("Provider"),
            _("Status"),
            _("Quantity"),
            _("Amount"),
            _("Currency"),
            _("Amount in euros"),
        ],
        bold=True,
    )
    for r in requests:
        sheet.append(
            [
                r.code,
                r.site.code,
                r.person.full_name,
                r.person.code,
                r.person.get_sex_display(),
                age_band(r.person.age_on(r.created_at.date())),
                r.service_name,
                r.provider.name,
                r.get_status_display(),
                r.quantity,
                r.amount,
                r.currency,
                r.amount_eur,
            ]
        )
    return sheet.to_bytes()

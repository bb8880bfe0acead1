"""The results' exports: a table of every indicator and its splits (XLSX, CSV) and a PDF report
of a period, in French, Portuguese or English.

Exports leave the system, so small counts are always suppressed (whoever takes them), the rule
is printed at the top, and every cell goes through the formula-safe writer
(`orienta.lib.tabular`). No export carries a name or a person's code: figures only.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from orienta.lib import indicators
from orienta.lib.indicators import AgeBands, Period
from orienta.lib.pdf import NEXT_LINE, document, fit, latin1
from orienta.lib.tabular import Sheet, csv_writer
from orienta.reporting import engine
from orienta.reporting.logframe_queries import ChosenScope, ObjectiveRow

# The splits every export gives, for the indicators that have them.
SPLITS = ("sex", "age_band", "disability")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def threshold() -> int:
    return int(getattr(settings, "ORIENTA_SUPPRESSION_THRESHOLD", 5))


def rule() -> str:
    """The suppression rule, as printed on every export."""
    return _(
        "Small counts are suppressed: counts from 1 to %(max)s are not shown, nor any figure "
        "from which a suppressed one could be worked out (marked “suppressed”)."
    ) % {"max": threshold() - 1}


@dataclass(frozen=True)
class Line:
    """One figure of an export: an indicator's total (no dimension) or one cell of a split."""

    code: str
    name: str
    unit: str
    dimension: str
    category: str
    value: int | Decimal | None
    suppressed: bool


def lines(period: Period, scope: ChosenScope, bands: AgeBands | None = None) -> Iterator[Line]:
    """Every indicator's total and its splits by sex, age band (the default bands unless
    others are given) and disability, suppressed."""
    for indicator in indicators.all_indicators():
        code, name, unit = indicator.code, str(indicator.name), str(indicator.unit)
        total = engine.values(
            code, period, scope.engine, suppress=True, threshold=threshold(), age_bands=bands
        )
        yield Line(code, name, unit, "", "", total.total, total.total_suppressed)
        for dimension in SPLITS:
            if dimension not in indicator.dimensions:
                continue
            table = engine.values(
                code,
                period,
                scope.engine,
                by=(dimension,),
                suppress=True,
                threshold=threshold(),
                age_bands=bands,
            )
            for cell in table.cells:
                category = str(cell.key.get(dimension, ""))
                yield Line(code, name, unit, dimension, category, cell.value, cell.suppressed)


def heading(period: Period, scope: ChosenScope, bands: AgeBands | None = None) -> list[str]:
    return [
        _("Orienta — results"),
        _("Period: %(period)s") % {"period": period.code},
        _("Scope: %(scope)s") % {"scope": scope.label or _("whole programme")},
        _("Age bands: %(bands)s") % {"bands": (bands or AgeBands.default()).code},
        rule(),
    ]


def columns() -> list[str]:
    return [
        _("Indicator"),
        _("Name"),
        _("Unit"),
        _("Split by"),
        _("Category"),
        _("Value"),
        _("Suppressed"),
    ]


def _row(line: Line) -> list[object]:
    return [
        line.code,
        line.name,
        line.unit,
        line.dimension,
        line.category,
        None if line.suppressed else line.value,
        _("suppressed") if line.suppressed else "",
    ]


def table_xlsx(period: Period, scope: ChosenScope, bands: AgeBands | None = None) -> bytes:
    sheet = Sheet(title=period.code)
    for i, text in enumerate(heading(period, scope, bands)):
        sheet.append([text], bold=i == 0, size=13 if i == 0 else None)
    sheet.append([])
    sheet.append(columns(), bold=True)
    for line in lines(period, scope, bands):
        sheet.append(_row(line))
    return sheet.to_bytes()


def table_csv(period: Period, scope: ChosenScope, bands: AgeBands | None = None) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    for text in heading(period, scope, bands):
        writer.writerow([text])
    writer.writerow(columns())
    for line in lines(period, scope, bands):
        writer.writerow(_row(line))
    return out.getvalue().encode("utf-8-sig")


# PDF
# =============================================================================================


def _number(value: int | Decimal | None, suppressed: bool) -> str:
    if suppressed:
        return _("suppressed")
    if value is None:
        return "—"
    return number_format(value, decimal_pos=2 if isinstance(value, Decimal) else None)


def _labels(line: Line) -> tuple[str, str]:
    """The split's name and the category's label in the reader's language (codes in the
    spreadsheets, which programs read)."""
    if not line.dimension:
        return "", ""
    dimension = indicators.dimension(line.dimension)
    names = {str(code): str(label) for code, label in dimension.values()}
    name = str(dimension.name)
    return name[:1].upper() + name[1:], names.get(line.category, line.category)


class Report:
    """A PDF report of a period: the logframe's progress, then each indicator and its splits."""

    WIDTH = 190  # between the margins of an A4 page, portrait

    def __init__(self, period: Period, scope: ChosenScope, bands: AgeBands | None = None) -> None:
        self.period, self.scope, self.bands = period, scope, bands
        self.pdf = document(orientation="P", format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=12)
        self.pdf.add_page()

    def text(
        self, value: object, *, size: float = 9, bold: bool = False, height: float = 5
    ) -> None:
        self.pdf.set_font("helvetica", "B" if bold else "", size)
        self.pdf.multi_cell(0, height, latin1(value), **NEXT_LINE)

    def row(self, cells: list[tuple[float, str]], *, bold: bool = False) -> None:
        self.pdf.set_font("helvetica", "B" if bold else "", 8)
        for width, value in cells:
            shown = fit(self.pdf, value, width - 2, 1)
            self.pdf.cell(width, 6, shown[0] if shown else "", border=1)
        self.pdf.ln()

    def header(self) -> None:
        first, *rest = heading(self.period, self.scope, self.bands)
        self.pdf.set_title(latin1(first))
        self.text(first, size=15, bold=True, height=8)
        for line in rest:
            self.text(line)
        printed = _("Printed on %(date)s") % {
            "date": date_format(timezone.localtime(), "DATETIME_FORMAT")
        }
        self.text(printed, size=8)
        self.pdf.ln(3)

    def logframe(self, rows: list[ObjectiveRow]) -> None:
        if not rows:
            return
        self.text(
            _("Logframe: progress against the targets of %(year)s")
            % {"year": self.period.start.year},
            size=12,
            bold=True,
            height=7,
        )
        widths = [96, 30, 30, 34]
        heads = [_("Indicator"), _("Value"), _("Target"), _("Share of the target")]
        for orow in rows:
            self.text(f"{orow.objective.code} — {orow.objective.statement}", bold=True)
            for rrow in orow.results:
                self.text(f"{rrow.result.code} — {rrow.result.statement}")
                self.row(list(zip(widths, heads, strict=True)), bold=True)
                for item in rrow.indicators:
                    goal = item.target.target if item.target is not None else None
                    percent = item.percent
                    self.row(
                        list(
                            zip(
                                widths,
                                [
                                    f"{item.indicator.code} {item.indicator.name}",
                                    _number(item.value, item.suppressed),
                                    _number(goal, False),
                                    "—" if percent is None else f"{percent} %",
                                ],
                                strict=True,
                            )
                        )
                    )
                self.pdf.ln(2)

    def indicators(self) -> None:
        self.text(_("Indicators"), size=12, bold=True, height=7)
        widths = [80, 45, 35, 30]
        self.row(
            list(
                zip(widths, [_("Indicator"), _("Split by"), _("Category"), _("Value")], strict=True)
            ),
            bold=True,
        )
        for line in lines(self.period, self.scope, self.bands):
            label, category = _labels(line)
            first = f"{line.code} {line.name}" if not line.dimension else ""
            self.row(
                list(
                    zip(
                        widths,
                        [first, label, category, _number(line.value, line.suppressed)],
                        strict=True,
                    )
                )
            )

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def report_pdf(
    period: Period, scope: ChosenScope, rows: list[ObjectiveRow], bands: AgeBands | None = None
) -> bytes:
    report = Report(period, scope, bands)
    report.header()
    report.logframe(rows)
    report.indicators()
    return report.output()

"""The data-subject export as a PDF: the same content as the JSON file, readable on paper.

fpdf2's core fonts (Helvetica) need no font file on the server but hold Latin-1 only: text is
brought into Latin-1 first (`orienta.lib.pdf.latin1`), so no name makes the file fail.
"""

import json
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from orienta.lib.pdf import latin1
from orienta.people.models import Person

LINE = 5


def _sections() -> list[tuple[str, str]]:
    return [
        ("merged_records", _("Records merged into this one")),
        ("consent", _("Consent history")),
        ("households", _("Households")),
        ("visits", _("Visits")),
        ("match_decisions", _("Look-alike decisions")),
        ("merges", _("Merges")),
        ("cases", _("Cases")),
        ("referrals", _("Referrals")),
        ("fund_requests", _("Support-fund requests")),
        ("community_work", _("Community work")),
        ("events", _("What was done on the record")),
    ]


def _label(key: str) -> str:
    try:
        field = Person._meta.get_field(key)
    except FieldDoesNotExist:
        field = None
    if isinstance(field, Field):
        return str(field.verbose_name)
    return key.replace("_", " ")


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.title_text = latin1(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(self.title_text)
        self.set_creator("Orienta")

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"{self.title_text} - {self.page_no()}", align="C")

    def heading(self, text: str, size: int = 12) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, LINE + 1, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def fact(self, key: str, value) -> None:
        self.multi_cell(0, LINE, latin1(f"{key}: {_value(value)}"), new_x="LMARGIN", new_y="NEXT")

    def record(self, item: dict, labels=None) -> None:
        for key, value in item.items():
            self.fact(labels(key) if labels else key.replace("_", " "), value)
        self.ln(1)


def person_export_pdf(data: dict) -> bytes:
    """The PDF of `orienta.people.rights.person_export_data(...)`."""
    person = data["person"]
    title = _("Everything held on %(code)s") % {"code": person.get("code", "")}
    pdf = _Document(title)
    pdf.add_page()
    pdf.heading(title, 15)
    made = datetime.fromisoformat(data["exported_at"])
    pdf.fact(_("Made on"), timezone.localtime(made).strftime("%Y-%m-%d %H:%M %Z"))
    pdf.fact(_("Format"), data["format"])
    pdf.heading(_("The person"))
    pdf.record(person, _label)
    for key, heading in _sections():
        items = data.get(key) or []
        pdf.heading(f"{heading} ({len(items)})")
        for item in items:
            pdf.record(item, _label if key == "merged_records" else None)
    return bytes(pdf.output())

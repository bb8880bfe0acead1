"""The referral slip: an A6 PDF the person carries to the provider, in a chosen language.

fpdf2's core fonts (Helvetica) cover Latin-1 only, which French and Portuguese need apart from
a few typographic characters (’ “ ” – … œ and narrow spaces): `latin1` maps those to their
plain equivalents, and anything else to its unaccented letter, so no name breaks the slip.
"""

import unicodedata

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from orienta.directory.models import Weekday
from orienta.referrals.models import Status, Urgency

PAGE = (105, 148)  # A6 portrait, mm
MARGIN = 8
QR_SIZE = 30

TYPOGRAPHY = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u0153": "oe",
    "\u0152": "OE",
    "\u202f": " ",
    "\u2009": " ",
    "\u2192": "->",
    "\u20ac": "EUR",
}


def latin1(text) -> str:
    out = []
    for ch in str(text):
        if ch in TYPOGRAPHY:
            out.append(TYPOGRAPHY[ch])
        elif ord(ch) < 256:
            out.append(ch)
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode()
            out.append("".join(c for c in plain if not unicodedata.combining(c)) or "?")
    return "".join(out)


def confirmation_url(token: str, request=None) -> str:
    """The absolute address of the provider's page for this token."""
    path = reverse("referrals:confirm", args=[token])
    if settings.ORIENTA_PUBLIC_URL:
        return settings.ORIENTA_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def qr_image(url: str):
    """The QR code printed on the slip (a PIL image)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=6)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


class _Slip(FPDF):
    def line_text(self, text, *, size=9, style="", height=4.5) -> None:
        self.set_font("helvetica", style, size)
        self.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def pair(self, label, value) -> None:
        if not value:
            return
        self.set_font("helvetica", "B", 8)
        self.multi_cell(0, 4, latin1(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line_text(value, size=9)
        self.ln(0.8)


def slip_pdf(referral, *, language: str, url: str, fund_status: str | None) -> bytes:
    """The slip of the referral in `language`, with a QR code of `url`."""
    with translation.override(language):
        pdf = _Slip(orientation="P", unit="mm", format=PAGE)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.set_title(latin1(_("Referral slip") + " " + referral.code))
        pdf.set_creator("Orienta")
        pdf.add_page()
        _header(pdf, referral)
        _body(pdf, referral, fund_status)
        _footer(pdf, referral, url)
        return bytes(pdf.output())


def _header(pdf, referral) -> None:
    site = referral.site
    pdf.line_text(f"Orienta · {site.name}", size=8)
    pdf.line_text(_("Referral slip"), size=14, style="B", height=7)
    pdf.set_font("helvetica", "B", 22)
    pdf.cell(0, 11, referral.code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    sent = formats.date_format(timezone.localtime(referral.sent_at), "SHORT_DATE_FORMAT")
    urgency = str(Urgency(referral.urgency).label)
    pdf.line_text(_("Sent on %(date)s · %(urgency)s") % {"date": sent, "urgency": urgency}, size=8)
    pdf.ln(1.5)


def _body(pdf, referral, fund_status) -> None:
    from orienta.referrals.queries import shared_data

    service = referral.service
    person = "; ".join(f"{label}: {value}" for label, value in shared_data(referral))
    pdf.pair(_("Person"), person)
    pdf.pair(_("Service"), f"{service.name} — {service.organisation.name}")
    pdf.pair(_("Address"), service_address(service))
    pdf.pair(_("Opening hours"), service_hours(service, referral.site))
    pdf.pair(_("Documents to bring"), ", ".join(service.document_list()))
    pdf.pair(_("Cost"), service_cost(service, fund_status))
    if referral.status not in (Status.SENT, Status.ACCEPTED):
        pdf.pair(_("Status"), str(Status(referral.status).label))


def _footer(pdf, referral, url: str) -> None:
    y = max(pdf.get_y() + 2, PAGE[1] - MARGIN - QR_SIZE - 8)
    if y + QR_SIZE > PAGE[1] - MARGIN:
        pdf.add_page()
        y = MARGIN
    pdf.image(qr_image(url), x=MARGIN, y=y, w=QR_SIZE, h=QR_SIZE)
    due = formats.date_format(timezone.localtime(referral.answer_due_at), "SHORT_DATE_FORMAT")
    pdf.set_xy(MARGIN + QR_SIZE + 3, y + 1)
    pdf.set_font("helvetica", "", 7.5)
    text = _(
        "For the provider: scan this code or open the address below to confirm that you "
        "received the person, then that they were served. Please answer by %(date)s."
    ) % {"date": due}
    pdf.multi_cell(0, 3.6, latin1(text), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("helvetica", "", 6)
    pdf.multi_cell(0, 3, latin1(url), new_x=XPos.LEFT, new_y=YPos.NEXT)
    site = referral.site
    contact = " · ".join(p for p in (site.name, site.address) if p)
    pdf.set_xy(MARGIN, y + QR_SIZE + 1)
    pdf.line_text(contact, size=7, height=3.5)


def service_address(service) -> str:
    places = []
    for sal in service.service_at_locations.filter(deleted_at__isnull=True).select_related(
        "location"
    ):
        loc = sal.location
        places.append(", ".join(p for p in (loc.name, loc.address_1, loc.city) if p))
    if not places and service.organisation.address:
        places.append(service.organisation.address)
    return "; ".join(places)


def service_hours(service, site=None) -> str:
    names = dict(Weekday.choices)
    parts = []
    for schedule in service.schedules.filter(deleted_at__isnull=True):
        days = ", ".join(str(names[d]) for d in schedule.day_list())
        parts.append(f"{days} {_hhmm(schedule.opens_at)}-{_hhmm(schedule.closes_at)}")
    if site is not None:
        today = timezone.localdate()
        for perm in service.permanences.current(today).filter(site=site):
            parts.append(
                _("%(day)s %(start)s-%(end)s at %(site)s")
                % {
                    "day": names[perm.weekday],
                    "start": _hhmm(perm.opens_at),
                    "end": _hhmm(perm.closes_at),
                    "site": site.name,
                }
            )
    return "; ".join(parts)


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


def service_cost(service, fund_status: str | None) -> str:
    costs = [c for c in service.cost_options.all() if c.deleted_at is None and c.amount]
    if not costs:
        text = _("Free")
    else:
        text = "; ".join(
            f"{c.option}: {formats.number_format(c.amount, decimal_pos=0, use_l10n=True)} "
            f"{c.currency}"
            for c in costs
        )
    fund = fund_text(fund_status)
    return f"{text}. {fund}" if costs and fund else text


def fund_text(fund_status: str | None) -> str:
    if fund_status == "requested":
        return _("The support fund has been asked to pay the fee.")
    if fund_status == "approved":
        return _("The support fund pays the fee.")
    if fund_status == "paid":
        return _("The support fund has paid the fee.")
    return _("Not covered by the support fund.")

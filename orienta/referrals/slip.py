"""The referral slip: one A6 page the person carries to the provider, in a chosen language.

The page is laid out from its ends: the header (the reference) at the top and the provider's
block (the QR code, what to do with it, the link and the BIOSP's address) at the bottom are
placed first; what lies between (the person, the service, its address, hours, documents, cost
and the support fund) shares the room left, line by line, the essentials first. Text that does
not fit its lines ends with an ellipsis: nothing ever moves to a second page.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import qrcode
from babel.dates import format_date
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from orienta.directory.models import Weekday
from orienta.lib import codes
from orienta.lib.pdf import fit, latin1, wrap
from orienta.lib.plugins import hooks
from orienta.referrals.models import Status, Urgency
from orienta.referrals.queries import shared_data

PAGE = (105, 148)  # A6 portrait, mm
MARGIN = 7
WIDTH = PAGE[0] - 2 * MARGIN
QR_SIZE = 30
QR_GAP = 3
BODY_SIZE = 8.5  # pt
BODY_LINE = 3.8  # mm
ITEM_GAP = 0.9
# Babel's locale for each language: dates read day, month, year in all three.
DATE_LOCALES = {"fr": "fr_FR", "pt": "pt_PT", "en": "en_GB"}


def confirmation_url(token: str, request=None) -> str:
    """The absolute address of the provider's page for this token."""
    path = reverse("referrals:confirm", args=[token])
    if settings.ORIENTA_PUBLIC_URL:
        return settings.ORIENTA_PUBLIC_URL + path
    if public := codes.public_url():  # a site node: the central server's, not the laptop's
        return public + path
    return request.build_absolute_uri(path)


def qr_image(url: str):
    """The QR code printed on the slip (a PIL image)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=6)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image()


def fund_status(referral) -> str | None:
    """What the support fund did about the referral's fee: "requested", "approved", "paid", or
    None. Asked of the apps above through the `referral_fund_status` hook (see
    orienta.core.page_panels)."""
    for hook in hooks("panels", "referral_fund_status"):
        status = hook(referral)
        if status:
            return status
    return None


def long_date(value, language: str, tz=None) -> str:
    """A date or time as day, month and year written in `language` ("4 décembre 2026",
    "4 de dezembro de 2026", "4 December 2026"); a time is read in `tz` first."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value, tz).date()
    return format_date(value, "long", locale=DATE_LOCALES.get(language, language))


@dataclass
class Item:
    """One part of the slip's body: a label, its text, the lines it gets at least (None: all
    it needs) and its rank when the room is shared out (0 first)."""

    label: str
    text: str
    min_lines: int | None
    rank: int
    label_width: float = 0
    needed: int = 0  # lines for the whole text
    lines: int = 0  # lines given


class _Slip(FPDF):
    def lines_at(self, y, lines, *, size, style="", height, x=MARGIN, width=WIDTH) -> float:
        """Draw `lines` (already fitted) from `y`; returns the y below them."""
        self.set_font("helvetica", style, size)
        for line in lines:
            self.set_xy(x, y)
            self.cell(width, height, line)
            y += height
        return y

    def one_line(self, y, text, *, size, style="", height) -> float:
        self.set_font("helvetica", style, size)
        return self.lines_at(y, fit(self, text, WIDTH, 1), size=size, style=style, height=height)


def slip_pdf(referral, *, language: str, url: str, fund_status: str | None) -> bytes:
    """The slip of the referral in `language`, on one A6 page, with a QR code of `url`."""
    with translation.override(language):
        pdf = _Slip(orientation="P", unit="mm", format=PAGE)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)
        pdf.c_margin = 0
        pdf.set_title(latin1(_("Referral slip") + " " + referral.code))
        pdf.set_creator("Orienta")
        pdf.add_page()
        top = _header(pdf, referral, language)
        bottom = _footer(pdf, referral, url, language)
        _body(pdf, _items(referral, fund_status), top + 1.5, bottom - 2)
        return bytes(pdf.output())


def _site_tz(site):
    return ZoneInfo(site.timezone) if site.timezone else None


def _header(pdf, referral, language) -> float:
    """The BIOSP, the title, the reference and the date; returns the y below them."""
    site = referral.site
    y = pdf.one_line(MARGIN, f"Orienta · {site.name}", size=7, height=3.4)
    y = pdf.one_line(y, _("Referral slip"), size=13, style="B", height=6)
    pdf.set_font("helvetica", "B", 22)
    pdf.set_xy(MARGIN, y)
    pdf.cell(WIDTH, 10, referral.code)
    y += 10
    sent = long_date(referral.sent_at, language, _site_tz(site))
    urgency = str(Urgency(referral.urgency).label)
    text = _("Sent on %(date)s · %(urgency)s") % {"date": sent, "urgency": urgency}
    y = pdf.one_line(y, text, size=8, height=4)
    pdf.set_draw_color(160)
    pdf.line(MARGIN, y + 0.7, PAGE[0] - MARGIN, y + 0.7)
    return y + 0.7


def _footer(pdf, referral, url: str, language) -> float:
    """The provider's block, from the bottom of the page up: the BIOSP's address, then the QR
    code with what to do and the link beside it. Returns the y of its top."""
    site = referral.site
    contact = " · ".join(p for p in (site.name, site.address) if p)
    pdf.set_font("helvetica", "", 7)
    contact_lines = fit(pdf, contact, WIDTH, 2)
    contact_y = PAGE[1] - MARGIN - 3.2 * len(contact_lines)
    pdf.lines_at(contact_y, contact_lines, size=7, height=3.2)
    qr_y = contact_y - 1 - QR_SIZE
    pdf.image(qr_image(url), x=MARGIN, y=qr_y, w=QR_SIZE, h=QR_SIZE)
    due = long_date(referral.answer_due_at, language, _site_tz(site))
    text = _(
        "For the provider: scan this code or open the address below to confirm that you "
        "received the person, then that they were served. Please answer by %(date)s."
    ) % {"date": due}
    _beside_qr(pdf, text, url, qr_y)
    return qr_y


def _beside_qr(pdf, text: str, url: str, top: float) -> None:
    """The provider's instructions and the link, in the column beside the QR code: the largest
    size at which both fit its height (the link is never shortened)."""
    x = MARGIN + QR_SIZE + QR_GAP
    width = PAGE[0] - MARGIN - x
    pdf.set_font("helvetica", "", 6)
    url_lines = fit(pdf, url, width, 4)
    room = QR_SIZE - 2.8 * len(url_lines) - 1
    for size in (7.5, 7, 6.5, 6):
        height = size * 0.46
        pdf.set_font("helvetica", "", size)
        if len(wrap(pdf, text, width)) * height <= room:
            break
    lines = fit(pdf, text, width, int(room // height))
    y = pdf.lines_at(top + 0.5, lines, size=size, height=height, x=x, width=width)
    pdf.lines_at(y + 0.5, url_lines, size=6, height=2.8, x=x, width=width)


def _items(referral, fund_status) -> list[Item]:
    service = referral.service
    person = "; ".join(f"{label}: {value}" for label, value in shared_data(referral))
    costs = service_cost(service)
    items = [
        Item(_("Person"), person, 2, 0),
        Item(_("Service"), f"{service.name} — {service.organisation.name}", 2, 1),
        Item(_("Address"), service_address(service), 1, 5),
        Item(_("Opening hours"), service_hours(service, referral.site), 1, 6),
        Item(_("Documents to bring"), ", ".join(service.document_list()), 1, 7),
        Item(_("Cost"), costs or _("Free"), 1, 2),
    ]
    if costs:
        items.append(Item("", fund_text(fund_status), None, 3))
    if referral.status not in (Status.SENT, Status.ACCEPTED):
        items.append(Item(_("Status"), str(Status(referral.status).label), None, 4))
    return [item for item in items if item.text]


def _label(text: str) -> str:
    return latin1(_("%(label)s:") % {"label": text}) + " " if text else ""


def _body(pdf, items: list[Item], top: float, bottom: float) -> None:
    """The items between `top` and `bottom`, each given the lines it needs while there is
    room: first the minimum of each, by rank, then one more line each in turn."""
    for item in items:
        pdf.set_font("helvetica", "B", BODY_SIZE)
        item.label_width = pdf.get_string_width(_label(item.label))
        pdf.set_font("helvetica", "", BODY_SIZE)
        item.needed = len(wrap(pdf, item.text, WIDTH, first_width=WIDTH - item.label_width))
    room = int((bottom - top - ITEM_GAP * (len(items) - 1)) // BODY_LINE)
    ranked = sorted(items, key=lambda i: i.rank)
    for item in ranked:
        least = item.needed if item.min_lines is None else item.min_lines
        item.lines = min(least, item.needed, room)
        room -= item.lines
    while room > 0 and any(i.lines < i.needed for i in ranked):
        for item in ranked:
            if room and item.lines < item.needed:
                item.lines += 1
                room -= 1
    y = top
    for item in items:
        if item.lines:
            y = _draw_item(pdf, item, y) + ITEM_GAP


def _draw_item(pdf, item: Item, y: float) -> float:
    label_width = item.label_width
    pdf.set_font("helvetica", "", BODY_SIZE)
    lines = fit(pdf, item.text, WIDTH, item.lines, first_width=WIDTH - label_width)
    if label_width:
        pdf.set_font("helvetica", "B", BODY_SIZE)
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_width, BODY_LINE, _label(item.label))
    pdf.set_font("helvetica", "", BODY_SIZE)
    for i, line in enumerate(lines):
        x = MARGIN + (label_width if i == 0 else 0)
        pdf.set_xy(x, y)
        pdf.cell(PAGE[0] - MARGIN - x, BODY_LINE, line)
        y += BODY_LINE
    return y


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


def service_cost(service) -> str:
    """The service's fees ("" when it is free)."""
    costs = [c for c in service.cost_options.all() if c.deleted_at is None and c.amount]
    return "; ".join(
        f"{c.option}: {formats.number_format(c.amount, decimal_pos=0, use_l10n=True)} {c.currency}"
        for c in costs
    )


def fund_text(fund_status: str | None) -> str:
    if fund_status == "requested":
        return _("The support fund has been asked to pay the fee.")
    if fund_status == "approved":
        return _("The support fund pays the fee.")
    if fund_status == "paid":
        return _("The support fund has paid the fee.")
    return _("Not covered by the support fund.")

"""Reads of the SMS log: the messages in a user's scope, masked for the roles that read no
personal data, and the costs summed per month, country and purpose."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from orienta.core.access import reads_sms_text
from orienta.core.types import AnyUser
from orienta.lib.indicators import Period
from orienta.sms.models import Purpose, SmsMessage

# The costs table covers this many months, the current one included.
COST_MONTHS = 12


def mask(phone: str) -> str:
    """+23566123456 -> +235 •••••• 56: the country, never the person."""
    if len(phone) < 8:
        return "•" * len(phone)
    return f"{phone[:4]} {'•' * (len(phone) - 6)} {phone[-2:]}"


@dataclass
class Row:
    """One message as the log shows it to this user."""

    message: SmsMessage
    phone: str
    text: str  # empty for the roles that do not read the messages' text


def messages_for(user: AnyUser | None, period: Period | None = None) -> QuerySet[SmsMessage]:
    found = SmsMessage.objects.visible_to(user)
    if period is not None:
        found = found.filter(created_at__date__gte=period.start, created_at__date__lt=period.end)
    return found.select_related("site", "country").order_by("-created_at", "-pk")


def rows(user: AnyUser | None, messages: list[SmsMessage]) -> list[Row]:
    full = reads_sms_text(user)
    return [Row(m, m.phone if full else mask(m.phone), m.body if full else "") for m in messages]


@dataclass
class CostLine:
    month: date
    country: str
    purpose: str
    currency: str
    messages: int
    segments: int
    cost: Decimal | None

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label) if self.purpose in Purpose.values else ""


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def costs(user: AnyUser | None, now: datetime | None = None) -> list[CostLine]:
    """The messages sent and what they cost, per month (newest first), country and purpose,
    over the last `COST_MONTHS` months; one line per currency."""
    today = timezone.localdate(now or timezone.now())
    since = _months_back(today, COST_MONTHS)
    grouped = (
        SmsMessage.objects.visible_to(user)
        .filter(direction="out", created_at__date__gte=since)
        .exclude(status__in=("blocked", "failed"))
        .annotate(month=TruncMonth("created_at"))
        .values("month", "country__code", "purpose", "cost_currency")
        .annotate(messages=Count("pk"), segments=Sum("segments"), cost=Sum("cost"))
        .order_by("-month", "country__code", "purpose", "cost_currency")
    )
    return [
        CostLine(
            month=g["month"].date() if isinstance(g["month"], datetime) else g["month"],
            country=g["country__code"] or "",
            purpose=g["purpose"],
            currency=g["cost_currency"],
            messages=g["messages"],
            segments=g["segments"] or 0,
            cost=g["cost"],
        )
        for g in grouped
    ]


def cost_totals(lines: list[CostLine]) -> dict[str, Decimal]:
    """The total cost per currency of the lines."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        if line.cost is not None and line.currency:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.cost
    return totals

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from orienta.fund.models import Status
from orienta.fund.money import amount_detail, money_format
from orienta.fund.queries import RequestLine
from orienta.lib.lines import addresses, short_dates

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """`{{ amount|money:currency }}`: the amount in the currency's minor units, localised."""
    return money_format(amount, currency)


@register.filter
def request_amount(fund_request) -> str:
    """`{{ request|request_amount }}` (a request, or a statement's line): its total, with the
    quantity and unit price when it pays several units."""
    return amount_detail(fund_request.amount, fund_request.quantity, fund_request.currency)


@register.simple_tag
def request_rows(rows: Iterable[tuple[Any, ...]]) -> SafeString:
    """`{% request_rows rows %}`: a list of requests (`queries.rows`, `RequestLine`'s values), as
    cards.

    The approval queue draws two hundred of them on a manager's every visit; written in Python,
    a row costs a fraction of the template language's (an address reversed once for all, one
    date format per day), with the same markup, escaped the same way."""
    address, day = addresses("fund:request"), short_dates()
    labels = dict(Status.choices)
    items = []
    for r in map(RequestLine._make, rows):
        created = localtime(r.created_at).date() if r.created_at else None
        service = r.service_name or r.provider_name or ""
        amount = amount_detail(r.amount, r.quantity, r.currency)
        items.append(
            f'<li>\n<a href="{address(r.pk)}"><strong>{e(r.code)}</strong>'
            f"</a> · <strong>{e(amount)}</strong> · "
            f'<span class="fund-status fund-{e(r.status)}">{e(labels.get(r.status, r.status))}'
            f"</span>\n"
            f'<span class="meta">{e(r.person_name)} '
            f"({e(r.person_code)}) · {e(service)} · {day(created)}</span>\n</li>"
        )
    if not items:
        empty = gettext("No request.")  # outside the f-string, where makemessages finds it
        items.append(f"<li>{e(empty)}</li>")
    return SafeString(f'<ul class="cards fund-requests">{"".join(items)}</ul>')

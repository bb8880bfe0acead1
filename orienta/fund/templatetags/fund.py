from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from orienta.fund.money import amount_detail, money_format
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
def request_rows(rows: Iterable[Any]) -> SafeString:
    """`{% request_rows rows %}`: a list of requests (`ROW_FIELDS`), as cards.

    The approval queue draws two hundred of them on a manager's every visit; written in Python,
    a row costs a fraction of the template language's (an address reversed once for all, one
    date format per day), with the same markup, escaped the same way."""
    address, day = addresses("fund:request"), short_dates()
    items = []
    for r in rows:
        created = localtime(r.created_at).date() if r.created_at else None
        person, provider = r.person, r.provider
        service = r.service_name or (provider.name if provider else "")
        items.append(
            f'<li>\n<a href="{address(r.pk)}"><strong>{e(r.code)}</strong>'
            f"</a> · <strong>{e(request_amount(r))}</strong> · "
            f'<span class="fund-status fund-{e(r.status)}">{e(r.get_status_display())}</span>\n'
            f'<span class="meta">{e(person.full_name if person else "")} '
            f"({e(person.code if person else '')}) · {e(service)} · {day(created)}</span>\n</li>"
        )
    if not items:
        empty = gettext("No request.")  # outside the f-string, where makemessages finds it
        items.append(f"<li>{e(empty)}</li>")
    return SafeString(f'<ul class="cards fund-requests">{"".join(items)}</ul>')

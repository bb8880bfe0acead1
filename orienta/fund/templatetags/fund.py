from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from orienta.fund.money import amount_detail, money_format

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


# A request's address with this id in place of its own (see `request_rows`).
_SLOT = UUID(int=0)


@register.simple_tag
def request_rows(rows: Iterable[Any]) -> SafeString:
    """`{% request_rows rows %}`: a list of requests (`ROW_FIELDS`), as cards.

    The approval queue draws two hundred of them on a manager's every visit; written in Python,
    a row costs a fraction of the template language's (an address reversed once for all, one
    date format per day), with the same markup, escaped the same way."""
    address = reverse("fund:request", args=[_SLOT])
    days: dict[Any, str] = {}
    items = []
    for r in rows:
        created = localtime(r.created_at) if r.created_at else None
        day = created.date() if created else None
        if day not in days:
            days[day] = date_format(created, "SHORT_DATE_FORMAT") if created else ""
        person, provider = r.person, r.provider
        service = r.service_name or (provider.name if provider else "")
        items.append(
            f'<li>\n<a href="{address.replace(str(_SLOT), str(r.pk))}"><strong>{e(r.code)}</strong>'
            f"</a> · <strong>{e(request_amount(r))}</strong> · "
            f'<span class="fund-status fund-{e(r.status)}">{e(r.get_status_display())}</span>\n'
            f'<span class="meta">{e(person.full_name if person else "")} '
            f"({e(person.code if person else '')}) · {e(service)} · {e(days[day])}</span>\n</li>"
        )
    if not items:
        items.append(f"<li>{e(gettext('No request.'))}</li>")
    return SafeString(f'<ul class="cards fund-requests">{"".join(items)}</ul>')

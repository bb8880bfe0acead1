from django import template

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

from django import template

from orienta.fund.money import money_format

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """`{{ amount|money:currency }}`: the amount in the currency's minor units, localised."""
    return money_format(amount, currency)

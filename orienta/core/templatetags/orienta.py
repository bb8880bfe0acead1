from django import template

from orienta.lib.phones import display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """+23566223344 → +235 66 22 33 44"""
    return display(value or "")

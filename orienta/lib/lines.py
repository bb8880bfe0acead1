"""Lines of a list drawn in Python (template tags that replace a template included for each
line): the same markup for a fraction of the template language's cost a line."""

from collections.abc import Callable
from datetime import date
from uuid import UUID

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape

# An id put in an address once, to be replaced by each line's own.
_SLOT = UUID(int=0)


def addresses(viewname: str) -> Callable[[object], str]:
    """`reverse(viewname, args=[pk])` for many ids of one kind: the address is reversed once,
    and each id put in the place of a placeholder id."""
    template, slot = reverse(viewname, args=[_SLOT]), str(_SLOT)
    return lambda pk: template.replace(slot, str(pk))


def short_dates() -> Callable[[date | None], str]:
    """A day as `{{ day|date:"SHORT_DATE_FORMAT" }}` draws it (escaped; "" for none), each day
    formatted once however many lines show it."""
    drawn: dict[date | None, str] = {}

    def draw(day: date | None) -> str:
        if day not in drawn:
            drawn[day] = conditional_escape(date_format(day, "SHORT_DATE_FORMAT")) if day else ""
        return drawn[day]

    return draw

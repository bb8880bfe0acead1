"""`{% work_items items key %}`: the lines of a worklist section, drawn in Python.

A worklist draws forty lines (and a manager's opens it first thing, many times a day); through
a template included for each line, the lines took a fifth of the page's CPU. The markup is the
template's, escaped as the template language escapes it (checked against it in
`cases/tests/test_worklist.py`)."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from orienta.lib.lines import addresses, short_dates

register = template.Library()


def _user_name(user: Any) -> str:
    return user.get_full_name() or user.username


@register.simple_tag
def work_items(items: Iterable[Any], key: str) -> SafeString:
    """The `<li>` lines of the section `key` (see `cases.queries.SECTIONS`)."""
    address, day = addresses("cases:detail"), short_dates()

    lines = []
    for item in items:
        if key == "followups":
            case = item.case
            lines.append(
                f'<li><a href="{address(case.pk)}#followups"><strong>'
                f'{e(case.person.full_name)}</strong></a> <span class="meta">{e(case.code)} · '
                f"{e(item.get_kind_display())} · {day(item.due_on)}</span></li>\n\n"
            )
        elif key == "no_contact":
            contact = item.last_contact_at  # a time: the day it was where the user is
            shown = day(localtime(contact).date() if contact is not None else None)
            last = gettext("last contact %(day)s") % {"day": shown}
            lines.append(
                f'<li><a href="{address(item.pk)}"><strong>'
                f'{e(item.person.full_name)}</strong></a> <span class="meta">{e(item.code)} · '
                f"{last}</span></li>\n\n"
            )
        else:
            case = item.case
            due = f" · {day(item.due_on)}" if key == "overdue" else ""
            who = f" · {e(_user_name(item.assignee))}" if item.assignee else ""
            lines.append(
                f'<li><a href="{address(case.pk)}#actions"><strong>'
                f'{e(item.what)}</strong></a> <span class="meta">{e(case.person.full_name)} · '
                f"{e(case.code)}{due}{who}</span></li>\n"
            )
    return SafeString("".join(lines))

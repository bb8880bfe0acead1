"""`{% referral_lines referrals kind %}`: the lines of a list of referrals, drawn in Python.

Both worklists show the referrals awaiting an answer and those served lately, and the list of
referrals thirty at a time; through the template language, with the status included for each
line, the lines were most of the referrals panel's drawing. The markup is the templates', escaped
as they escaped it (checked against them in `referrals/tests/test_pages.py`)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import template
from django.utils.html import conditional_escape as e
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from orienta.lib.lines import addresses, short_dates

register = template.Library()

KINDS = ("list", "waiting", "served")


def _day(value: datetime | None) -> Any:
    return localtime(value).date() if value is not None else None


@register.simple_tag
def referral_lines(referrals: Iterable[Any], kind: str, now: datetime | None = None) -> SafeString:
    """The `<li>` lines of `referrals` (each with its `person_label`): on the list page
    ("list"), or in the worklist's panel, awaiting an answer ("waiting", overdue past `now`)
    or served ("served")."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of referral lines: {kind}")
    address, day = addresses("referrals:detail"), short_dates()
    overdue = e(gettext("overdue"))
    lines = []
    for r in referrals:
        head = (
            f'<li><a href="{address(r.pk)}"><strong>{e(r.code)}</strong></a> · '
            f'<span class="ref-status ref-{e(r.status)}">{e(r.get_status_display())}</span>\n'
        )
        person, service = e(r.person_label), e(r.service.name)
        if kind == "list":
            meta = (
                f"{person} → {service} ({e(r.service.organisation.name)}) · "
                f"{day(_day(r.sent_at))} · {e(r.site.code)}"
            )
            lines.append(f'{head}\n<span class="meta">{meta}</span></li>')
        elif kind == "waiting":
            late = r.answer_due_at is not None and now is not None and r.answer_due_at < now
            flag = f' · <span class="error">{overdue}</span>' if late else ""
            expected = gettext("answer expected by %(date)s") % {"date": day(_day(r.answer_due_at))}
            lines.append(
                f'{head}{flag}\n<span class="meta">{person} → {service} · {expected}</span></li>'
            )
        else:
            meta = f"{person} → {service} · {day(_day(r.served_at))}"
            lines.append(f'{head}\n<span class="meta">{meta}</span></li>')
    return SafeString("".join(lines))

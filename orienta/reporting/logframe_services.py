"""The only writers of the logframe's figures: targets (with baselines) and values entered by hand.

The structure of the logframe (objectives, results, indicators) and the DHIS2 mapping are
configuration, edited in the Django admin.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Country, Site, User
from orienta.core.services import StaleEdit, event_log
from orienta.lib.errors import Refused
from orienta.lib.indicators import Period
from orienta.lib.text import MESSAGE as BIDI_MESSAGE
from orienta.lib.text import has_bidi_controls
from orienta.reporting.logframe_rules import may_set_figures_for
from orienta.reporting.models import HandValue, LogframeIndicator, Target


class FigureRefused(Refused):
    """A figure of the logframe cannot be written in the present state."""


@dataclass(frozen=True)
class FigureScope:
    """Where a figure applies: the programme (no country), a country, or one of its sites."""

    country: Country | None = None
    site: Site | None = None

    @property
    def key(self) -> str:
        if self.site is not None:
            return f"{self.site.country.code}/{self.site.code}"
        return self.country.code if self.country is not None else ""

    def check(self) -> None:
        if self.site is not None and (
            self.country is None or self.site.country_id != self.country.pk
        ):
            raise ValidationError({"site": _("The site must be in the country.")})


def _allowed(by: User, scope: FigureScope) -> None:
    if not may_set_figures_for(by, scope.country, scope.site):
        raise PermissionDenied


def _amount(value: Decimal | None, field: str) -> None:
    if value is not None and value < 0:
        raise ValidationError({field: _("Enter a number that is zero or more.")})


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if has_bidi_controls(value):
        raise ValidationError({field: [BIDI_MESSAGE]})
    return value


def _as_text(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def target_set(
    *,
    indicator: LogframeIndicator,
    year: int,
    scope: FigureScope,
    baseline: Decimal | None,
    target: Decimal | None,
    source: str = "",
    version: int | None = None,
    by: User,
) -> Target:
    """Set the baseline and target of an indicator for a year and a scope. Changing an existing
    one needs the version last read (a stale edit is refused); the values before and after are
    kept in the event log."""
    _allowed(by, scope)
    scope.check()
    _amount(baseline, "baseline")
    _amount(target, "target")
    source = _text(source, "source")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    with transaction.atomic():
        row = (
            Target.objects.select_for_update()
            .filter(
                indicator=indicator,
                year=year,
                country=scope.country,
                site=scope.site,
                deleted_at__isnull=True,
            )
            .first()
        )
        before: dict[str, str | None] = {}
        if row is None:
            row = Target(
                indicator=indicator,
                year=year,
                country=scope.country,
                site=scope.site,
                scope_key=scope.key,
                created_by=by,
                updated_by=by,
            )
        else:
            if version is not None and version != row.version:
                raise StaleEdit()
            before = {
                "baseline": _as_text(row.baseline),
                "target": _as_text(row.target),
                "source": row.source,
            }
            row.touch(by=by)
        row.baseline, row.target, row.source = baseline, target, source
        row.save()
        after = {"baseline": _as_text(baseline), "target": _as_text(target), "source": source}
        event_log(
            actor=by,
            verb="logframe_target_set",
            obj=row,
            site=scope.site,
            data={"year": year, "before": before, "after": after},
        )
    return row


def _current(indicator: LogframeIndicator, period: Period, scope: FigureScope) -> HandValue | None:
    return (
        HandValue.objects.filter(
            indicator=indicator,
            period=period.code,
            country=scope.country,
            site=scope.site,
            corrected_by__isnull=True,
            deleted_at__isnull=True,
        )
        .order_by("-created_at")
        .first()
    )


def _parse_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValidationError({"period": [str(exc)]}) from None


def hand_value_record(
    *,
    indicator: LogframeIndicator,
    period: str,
    scope: FigureScope,
    value: Decimal,
    source: str,
    by: User,
) -> HandValue:
    """A value entered by hand for an indicator the system does not compute, with its source.
    If the period and scope already have one, it is corrected (`hand_value_correct`), never
    replaced here."""
    _allowed(by, scope)
    if indicator.computed:
        raise FigureRefused(
            gettext("The system computes this indicator: its values cannot be entered by hand.")
        )
    scope.check()
    parsed = _parse_period(period)
    _amount(value, "value")
    source = _text(source, "source")
    if not source:
        raise ValidationError({"source": _("Say where the value comes from.")})
    with transaction.atomic():
        if _current(indicator, parsed, scope) is not None:
            raise FigureRefused(
                gettext(
                    "A value is already recorded for this period and scope. Correct it, "
                    "giving a reason; nothing was saved."
                )
            )
        row = HandValue.objects.create(
            indicator=indicator,
            period=parsed.code,
            period_start=parsed.start,
            period_end=parsed.end,
            country=scope.country,
            site=scope.site,
            value=value,
            source=source,
            created_by=by,
            updated_by=by,
        )
        event_log(
            actor=by,
            verb="logframe_value_record",
            obj=row,
            site=scope.site,
            data={"period": parsed.code, "value": str(value)},
        )
    return row


def hand_value_correct(
    *, original: HandValue, value: Decimal, source: str, reason: str, by: User
) -> HandValue:
    """A correction of a value entered by hand: a new value that replaces it, with the reason;
    the original stays in the history."""
    scope = FigureScope(original.country, original.site)
    _allowed(by, scope)
    _amount(value, "value")
    source = _text(source, "source") or original.source
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the value is corrected.")})
    with transaction.atomic():
        locked = HandValue.objects.select_for_update().get(pk=original.pk)
        if HandValue.objects.filter(corrects=locked).exists():
            raise StaleEdit()
        row = HandValue.objects.create(
            indicator=locked.indicator,
            period=locked.period,
            period_start=locked.period_start,
            period_end=locked.period_end,
            country=locked.country,
            site=locked.site,
            value=value,
            source=source,
            corrects=locked,
            reason=reason,
            created_by=by,
            updated_by=by,
        )
        event_log(
            actor=by,
            verb="logframe_value_correct",
            obj=row,
            site=locked.site,
            data={"corrects": str(locked.pk), "before": str(locked.value), "after": str(value)},
        )
    return row

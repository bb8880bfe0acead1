"""Reads of the logframe: the scope a user asks for, the tree with its progress, a figure's
history. Every read goes through the user's scope (`visible_to`, `scope_for`)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from orienta.core.access import coordinates_country, is_headquarters, manages_sites
from orienta.core.models import Country, Site, User
from orienta.lib.indicators import DOWN, Period, Scope, get
from orienta.reporting import engine
from orienta.reporting.logframe_rules import suppresses_for
from orienta.reporting.models import HandValue, LogframeIndicator, Objective, Result, Target

type Number = int | Decimal


@dataclass(frozen=True)
class ChosenScope:
    """The scope of a page or export, as models (for forms and figures) and as the engine's
    `Scope` (codes)."""

    country: Country | None = None
    site: Site | None = None

    @property
    def engine(self) -> Scope:
        return Scope(
            country=self.country.code if self.country else None,
            site=self.site.code if self.site else None,
        )

    @property
    def label(self) -> str:
        if self.site is not None:
            return str(self.site)
        return str(self.country) if self.country is not None else ""

    def query(self) -> str:
        """The scope as URL parameters (for links that keep it)."""
        parts = []
        if self.country is not None:
            parts.append(f"country={self.country.code}")
        if self.site is not None:
            parts.append(f"site={self.site.code}")
        return "&".join(parts)


def scope_for(user: User, country: str = "", site: str = "") -> ChosenScope:
    """The scope a user asks for by codes, checked against theirs (Http404 outside it). With no
    code: a site manager's site, a coordinator's country, M&E's whole programme."""
    sites = Site.objects.visible_to(user).select_related("country")
    if site:
        found = sites.filter(code=site).first()
        if found is None or (country and found.country.code != country):
            raise Http404
        return ChosenScope(found.country, found)
    if manages_sites(user):
        first = sites.order_by("code").first()
        if first is None:
            raise Http404
        return ChosenScope(first.country, first)
    own = user.country if coordinates_country(user) else None
    if coordinates_country(user) and own is None:  # not yet given a country: nothing to read
        raise Http404
    if country:
        if is_headquarters(user):
            chosen = Country.objects.filter(code=country).first()
        else:
            chosen = own if own is not None and own.code == country else None
        if chosen is None:
            raise Http404
        return ChosenScope(chosen)
    if own is not None:
        return ChosenScope(own)
    return ChosenScope()


def scope_choices(user: User) -> tuple[list[Country], list[Site]]:
    """The countries and sites a user may choose on the logframe and exports."""
    sites = list(Site.objects.visible_to(user).select_related("country").order_by("code"))
    if is_headquarters(user):
        countries = list(Country.objects.filter(sites__in=sites).distinct().order_by("code"))
    elif coordinates_country(user) and user.country is not None:
        countries = [user.country]
    else:
        countries = []
    return countries, sites


@dataclass
class Progress:
    """One indicator of the tree, for a year and a scope."""

    indicator: LogframeIndicator
    target: Target | None = None
    value: Number | None = None
    suppressed: bool = False
    hand_value: HandValue | None = None
    unavailable: bool = False  # a computed indicator no longer in the registry

    @property
    def percent(self) -> int | None:
        """How far the value has gone towards the target, in percent (None without both).

        With a baseline, the way travelled from the baseline to the target: it reads the same
        for an indicator meant to rise and one meant to fall (days to service from 9 to 5: at
        7, 50 %), and is negative when the value moved away from the target. Without one, the
        value over the target, or, for an indicator meant to fall, the target over the value
        (5 days aimed at, 10 measured: 50 %)."""
        goal = self.target.target if self.target is not None else None
        if goal is None or self.value is None:
            return None
        value = Decimal(self.value)
        base = self.target.baseline if self.target is not None else None
        if base is not None and goal != base:
            ratio = (value - base) * 100 / (goal - base)
        elif self.falls:
            if value == 0:
                return None
            ratio = goal * 100 / value
        elif goal == 0:
            return None
        else:
            ratio = value * 100 / goal
        return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def falls(self) -> bool:
        """The indicator is meant to fall (a computed one whose direction is down)."""
        code = self.indicator.indicator_code
        if not code:
            return False
        try:
            return get(code).direction == DOWN
        except KeyError:
            return False

    @property
    def bar(self) -> int:
        """The width of the progress bar, 0 to 100."""
        return max(0, min(100, self.percent or 0))


@dataclass
class ResultRow:
    result: Result
    indicators: list[Progress] = field(default_factory=list)


@dataclass
class ObjectiveRow:
    objective: Objective
    results: list[ResultRow] = field(default_factory=list)


def year_period(year: int) -> Period:
    return Period.parse(str(year))


def _target_filter(scope: ChosenScope) -> Q:
    return Q(country=scope.country, site=scope.site) if scope.country else Q(country__isnull=True)


def current_hand_values(scope: ChosenScope, period: Period) -> dict[object, HandValue]:
    """The latest value entered by hand for each indicator in the scope, over periods inside
    `period` (corrected values are replaced by their correction)."""
    rows = (
        HandValue.objects.filter(
            _target_filter(scope),
            period_start__gte=period.start,
            period_end__lte=period.end,
            corrected_by__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("created_by")
        .order_by("indicator_id", "-period_end", "-period_start", "-created_at")
    )
    latest: dict[object, HandValue] = {}
    for row in rows:
        latest.setdefault(row.indicator_id, row)
    return latest


def _computed(item: Progress, period: Period, scope: ChosenScope, suppress: bool) -> None:
    try:
        table = engine.values(
            item.indicator.indicator_code, period, scope.engine, suppress=suppress
        )
    except LookupError:
        item.unavailable = True
        return
    item.value, item.suppressed = table.total, table.total_suppressed


def tree(
    user: User,
    year: int,
    scope: ChosenScope,
    *,
    period: Period | None = None,
    suppress: bool | None = None,
) -> list[ObjectiveRow]:
    """The logframe with, for each indicator, its target for the year and scope and its value
    over the year (or over `period`, inside it): computed — suppressed for a role that may not
    see persons, or when `suppress` says so — or the latest entered by hand."""
    period = period or year_period(year)
    suppress = suppresses_for(user) if suppress is None else suppress
    targets = {
        t.indicator_id: t
        for t in Target.objects.filter(_target_filter(scope), year=year, deleted_at__isnull=True)
    }
    hand = current_hand_values(scope, period)
    indicators = LogframeIndicator.objects.filter(deleted_at__isnull=True)
    results = Result.objects.filter(deleted_at__isnull=True).prefetch_related(
        Prefetch("indicators", queryset=indicators)
    )
    objectives = Objective.objects.filter(deleted_at__isnull=True).prefetch_related(
        Prefetch("results", queryset=results)
    )
    rows = []
    for objective in objectives:
        orow = ObjectiveRow(objective)
        for result in objective.results.all():
            rrow = ResultRow(result)
            for indicator in result.indicators.all():
                item = Progress(indicator, target=targets.get(indicator.pk))
                if indicator.computed:
                    _computed(item, period, scope, suppress)
                elif (found := hand.get(indicator.pk)) is not None:
                    item.hand_value, item.value = found, found.value
                rrow.indicators.append(item)
            orow.results.append(rrow)
        rows.append(orow)
    return rows


def indicator_for(code: str) -> LogframeIndicator:
    found = LogframeIndicator.objects.filter(code=code, deleted_at__isnull=True).first()
    if found is None:
        raise Http404
    return found


def target_of(indicator: LogframeIndicator, year: int, scope: ChosenScope) -> Target | None:
    return Target.objects.filter(
        _target_filter(scope), indicator=indicator, year=year, deleted_at__isnull=True
    ).first()


def history(user: User, indicator: LogframeIndicator, scope: ChosenScope) -> list[HandValue]:
    """Every value entered by hand for the indicator in the scope, corrections included,
    newest first (bounded)."""
    return list(
        HandValue.objects.visible_to(user)
        .filter(_target_filter(scope), indicator=indicator)
        .annotate(superseded=Exists(HandValue.objects.filter(corrects=OuterRef("pk"))))
        .select_related("created_by", "corrects", "country", "site")
        .order_by("-period_start", "-created_at")[:200]
    )


def hand_value_for(user: User, pk: UUID | str) -> HandValue:
    found = (
        HandValue.objects.visible_to(user)
        .select_related("indicator", "country", "site")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def this_year(today: date) -> int:
    return today.year

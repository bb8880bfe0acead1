"""What each country has once, before its sites' follow-up work: the service directory (the
partners' services, their fees in the country currency, hours, and permanences at sites) and
the support fund (rules, the fund, quarterly periods over the history).

These are a few dozen rows a country, written through the apps' services (with their checks
and event log), as a country coordinator would; what grows with the persons is in `followup`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from orienta.bench.network import BenchSite
from orienta.core.models import Area, Country, Role, Theme, User
from orienta.demo.build import Context, build_organisations
from orienta.directory import demo as directory_demo
from orienta.directory import services as directory
from orienta.directory.models import CostOption, Service
from orienta.fund import services as fund_services
from orienta.fund.models import DEFAULT_CRITERIA, Fund, FundSettings, Period

# MZN floats against the euro: the programme's rate of each quarter, around 70 MZN per euro.
MZN_RATE, MZN_RATE_SPREAD = Decimal("70.00"), 3.0
PERMANENCES_PER_SITE = (1, 2, 2, 3)
PERMANENCE_HOURS = (("08:00", "11:00"), ("09:00", "12:00"), ("10:00", "13:00"), ("14:00", "16:00"))


@dataclass
class ServiceInfo:
    pk: object
    name: str
    organisation_id: object
    response_days: int
    themes: frozenset[str]
    fee: CostOption | None  # the cheapest paying option, when the service charges


@dataclass
class CountryLayer:
    code: str
    currency: str
    coordinator: User
    services: list[ServiceInfo]
    fund: Fund
    rules: FundSettings
    periods: list[Period] = field(default_factory=list)

    def period_on(self, day: date) -> Period:
        for period in self.periods:
            if period.starts_on <= day <= period.ends_on:
                return period
        raise LookupError(day)


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _directory(rng: random.Random, now: datetime, coordinators: dict[str, User]) -> None:
    """The demo's partner services of each country, entered by the country's coordinator."""
    ctx = Context(rng=rng, now=now, themes=Theme.objects.in_bulk())
    ctx.countries = {c.code: c for c in Country.objects.filter(code__in=coordinators)}
    ctx.areas = {a.code: a for a in Area.objects.all()}
    build_organisations(ctx)
    # The demo names its editors; here each country's coordinator keeps its directory.
    for country, username in directory_demo.EDITORS.items():
        if country in coordinators:
            ctx.users[username] = coordinators[country]
    directory_demo.build(ctx)


def _permanences(rng: random.Random, network: list[BenchSite], layers: dict) -> None:
    """A few partners hold a weekly permanence at each site (first as the demo does, at a
    valid-from date some months ago)."""
    for bench_site in network:
        layer = layers[bench_site.country]
        services = [s for s in layer.services if s.fee is None or rng.random() < 0.5]
        for info in rng.sample(services, k=min(len(services), rng.choice(PERMANENCES_PER_SITE))):
            opens, closes = rng.choice(PERMANENCE_HOURS)
            directory.permanence_add(
                by=layer.coordinator,
                service=Service.objects.get(pk=info.pk),
                site=bench_site.site,
                data={
                    "weekday": rng.randrange(5),
                    "opens_at": _time(opens),
                    "closes_at": _time(closes),
                    "free": info.fee is None or rng.random() < 0.6,
                    "amount": info.fee.amount / 2 if info.fee else Decimal(0),
                    "valid_from": (
                        layer.periods[-1].starts_on - timedelta(days=rng.randint(0, 200))
                    ),
                    "notes": "",
                },
            )


def _services(country: Country) -> list[ServiceInfo]:
    found = (
        Service.objects.filter(organisation__country=country, status=Service.Status.ACTIVE)
        .prefetch_related("themes", "cost_options")
        .order_by("name", "pk")
    )
    infos = []
    for service in found:
        paying = sorted((c for c in service.cost_options.all() if c.amount > 0), key=_amount)
        infos.append(
            ServiceInfo(
                service.pk,
                service.name,
                service.organisation_id,
                service.response_days or 14,
                frozenset(t.code for t in service.themes.all()),
                paying[0] if paying else None,
            )
        )
    return infos


def _amount(cost: CostOption) -> Decimal:
    return cost.amount


def _periods(rng: random.Random, fund: Fund, by: User, first: date, today: date) -> list[Period]:
    """Quarters from the start of the history to the end of the current quarter."""
    periods, start = [], _quarter_start(first)
    while start <= today:
        following = _quarter_start(start + timedelta(days=100))
        rate = None
        if fund.currency == "MZN":
            rate = MZN_RATE + Decimal(f"{rng.uniform(-MZN_RATE_SPREAD, MZN_RATE_SPREAD):.2f}")
        periods.append(
            fund_services.period_open(
                fund=fund,
                by=by,
                name=f"{start:%Y}-T{(start.month - 1) // 3 + 1}",
                starts_on=start,
                ends_on=following - timedelta(days=1),
                eur_rate=rate,
            )
        )
        start = following
    return periods


def build_country_layers(
    network: list[BenchSite], *, seed: int, now: datetime, first: date
) -> dict[str, CountryLayer]:
    """Directory and fund of every country of the network; deterministic for a seed."""
    rng = random.Random(f"{seed}:countries")
    codes = sorted({b.country for b in network})
    coordinators = {
        code: User.objects.get(role=Role.COORDINATOR, username=f"coordinator-{code.lower()}")
        for code in codes
    }
    _directory(rng, now, coordinators)
    layers = {}
    for code in codes:
        country = Country.objects.get(code=code)
        coordinator = coordinators[code]
        rules = fund_services.fund_settings_for(country)
        if not rules.criteria:
            rules.criteria = [str(c) for c in DEFAULT_CRITERIA]
        fund = fund_services.fund_open(country=country, by=coordinator)
        layer = CountryLayer(code, fund.currency, coordinator, _services(country), fund, rules)
        layer.periods = _periods(rng, fund, coordinator, first, now.date())
        layers[code] = layer
    _permanences(rng, network, layers)
    return layers

"""Demo support fund: a fund per country, two quarterly periods, allocations to the six sites,
and at each site requests in every state, paid by mobile money and in cash.

Everything goes through the fund's services, acting as the site's agents (requests), the site
manager or the country coordinator (approvals, payments), and the coordinator (allocations; an
administrator for a country without a coordinator). A request whose only possible approver
would be its own author stays awaiting approval, as it would in real work.
"""

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError

from orienta.core.models import Role, Site
from orienta.directory.models import CostOption, Service
from orienta.fund import services
from orienta.fund.models import Method
from orienta.fund.refs import priced_option
from orienta.people.models import Person
from orienta.referrals.models import Referral

PER_SITE = 14
# Per currency: allocation per site and period, manager's threshold, limits per person and
# household, and the rate of MZN to the euro in the previous and current periods.
RULES = {
    "XAF": (Decimal(150000), Decimal(1500), Decimal(6000), Decimal(10000)),
    "XOF": (Decimal(150000), Decimal(1500), Decimal(6000), Decimal(10000)),
    "MZN": (Decimal(15000), Decimal("150"), Decimal(600), Decimal(1000)),
}
MZN_RATES = (Decimal("70.35"), Decimal("69.80"))
# The fate of the requests of a site, in order (the rest stay awaiting approval).
FATES = [
    "paid_mobile",
    "paid_cash",
    "paid_mobile",
    "approved",
    "rejected",
    "cancelled",
    "reversed",
    "paid_cash",
    "paid_mobile",
    "cancelled_after_approval",
]
REASONS = {
    "fr": [
        "Mère seule sans revenu, ne peut pas payer les frais.",
        "Ménage très vulnérable, déplacé depuis trois mois.",
        "Enfant handicapé, la famille ne peut pas avancer les frais.",
    ],
    "pt": [
        "Mãe sozinha sem rendimento, não pode pagar a taxa.",
        "Agregado muito vulnerável, deslocado há três meses.",
        "Criança com deficiência, a família não pode adiantar a taxa.",
    ],
}


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _periods(ctx, fund, by):
    today = ctx.now.date()
    current = _quarter_start(today)
    previous = _quarter_start(current - timedelta(days=1))
    following = _quarter_start(current + timedelta(days=100))
    rates = MZN_RATES if fund.currency == "MZN" else (None, None)
    made = []
    for (start, end), rate in zip(((previous, current), (current, following)), rates, strict=True):
        made.append(
            services.period_on(fund, start)
            or services.period_open(
                fund=fund,
                by=by,
                name=f"{start:%Y}-T{(start.month - 1) // 3 + 1}",
                starts_on=start,
                ends_on=end - timedelta(days=1),
                eur_rate=rate,
            )
        )
    return made


def _rules(country):
    allocation, manager, person, household = RULES[country.currency]
    rules = services.fund_settings_for(country)
    rules.manager_limit, rules.person_limit, rules.household_limit = manager, person, household
    rules.save()
    return allocation


def build(ctx) -> None:
    admin = ctx.users.get("admin")
    for code, country in ctx.countries.items():
        coordinator = ctx.users.get(f"coordinator-{code.lower()}")
        fund = services.fund_open(country=country, by=coordinator or admin)
        allocation = _rules(country)
        periods = _periods(ctx, fund, coordinator or admin)
        for site in country.sites.order_by("code"):
            for period in periods:
                services.allocation_record(
                    fund=fund,
                    site=site,
                    period=period,
                    amount=allocation,
                    by=coordinator or admin,
                    note="Dotation trimestrielle",
                )
            made = _site_requests(ctx, site, coordinator)
            ctx.counts.setdefault(site.code, {})["fund_requests"] = made


def _choices(site):
    services_ = Service.objects.filter(
        organisation__country_id=site.country_id, status="active", deleted_at=None
    ).order_by("name")
    priced = []
    for service in services_:
        option = priced_option(service, site.country.currency)
        if option is not None:
            priced.append((service, option))
    return priced


def _referrals_by_person(site: Site) -> dict[UUID, tuple[Referral, CostOption]]:
    found: dict[UUID, tuple[Referral, CostOption]] = {}
    for referral in Referral.objects.filter(site=site).select_related("service").order_by("code"):
        option = priced_option(referral.service, site.country.currency)
        if option is not None:
            found.setdefault(referral.person_id, (referral, option))
    return found


def _site_requests(ctx, site, coordinator) -> int:
    agent = site.staff.filter(role=Role.AGENT, is_active=True).order_by("username").first()
    manager = site.staff.filter(role=Role.MANAGER, is_active=True).order_by("username").first()
    priced = _choices(site)
    persons = list(
        Person.objects.filter(site=site, merged_into=None, erased_at=None).order_by("code")[:300]
    )
    if agent is None or not priced or not persons:
        return 0
    referred = _referrals_by_person(site)
    with_referral = [p for p in persons if p.pk in referred]
    made = 0
    for i in range(PER_SITE):
        pool = with_referral if with_referral and i % 2 == 0 else persons
        person = ctx.rng.choice(pool)
        referral, option = referred.get(person.pk, (None, None))
        if option is None:
            option = ctx.rng.choice(priced)[1]
        req = _request(ctx, site, agent, person, option, referral)
        if req is None:
            continue
        made += 1
        fate = FATES[i] if i < len(FATES) else "requested"
        _follow(ctx, req, fate, approver=_approver(req, manager, coordinator))
    return made


def _request(ctx, site, agent, person, option, referral):
    language = "fr" if site.country.language == "fr" else "pt"
    data = services.RequestInput(
        site=site,
        person=person,
        amount=option.amount,
        reason=ctx.rng.choice(REASONS[language]),
        criteria=ctx.rng.sample(services.fund_settings_for(site.country).criteria, 2),
        evidence="",
        cost_option=option,
        service=option.service,
        referral=referral,
        confirm_repeat=True,
    )
    try:
        return services.request_create(data=data, by=agent)
    except ValidationError:
        return None  # over a limit: the demo, like an agent, moves on to someone else


def _approver(req, manager, coordinator):
    if manager is not None and req.level == "manager":
        return manager
    return coordinator


def _follow(ctx, req, fate: str, *, approver) -> None:
    if approver is None or fate == "requested":
        return
    try:
        _apply(ctx, req, fate, approver)
    except (services.Refused, PermissionDenied):
        return  # the site's fund ran out: the request waits, as it would


def _apply(ctx, req, fate, approver) -> None:
    if fate == "rejected":
        services.request_reject(
            fund_request=req, by=approver, reason="Critères non démontrés / critérios não provados"
        )
        return
    if fate == "cancelled":
        services.request_cancel(fund_request=req, by=req.created_by, reason="")
        return
    services.request_approve(fund_request=req, by=approver)
    if fate == "cancelled_after_approval":
        services.request_cancel(fund_request=req, by=approver, reason="Service devenu gratuit")
    if fate in ("paid_mobile", "paid_cash", "reversed"):
        services.payment_record(fund_request=req, by=approver, data=_payment(ctx, req, fate))
    if fate == "reversed":
        services.payment_reverse(
            fund_request=req, by=approver, reason="Paiement enregistré deux fois par erreur"
        )


def _payment(ctx, req, fate) -> services.PaymentInput:
    if fate == "paid_cash":
        return services.PaymentInput(
            method=Method.CASH, receipt_number=f"REC-{ctx.rng.randint(1000, 99999)}"
        )
    operators = services.fund_settings_for(req.site.country).mobile_operators
    return services.PaymentInput(
        method=Method.MOBILE,
        operator=ctx.rng.choice(operators),
        reference=f"{req.site.code[:2]}{ctx.rng.randint(10**9, 10**10 - 1)}",
    )

"""The demonstration data set: what `make run` shows.

Three countries, two BIOSP sites each, their staff, partner organisations and public services,
about 300 registered persons in households and six months of visits ending today. Everything
goes through the services (`person_register`, `household_create`, `household_add_member`,
`visit_record`) acting as the site's own agents, so the demo obeys the same rules as real work.

The services stamp what they write with the current time. Once a household (or a visit) is
written, `_backdate_*` moves those stamps back to the day it happened (creation time, consent
date, date joined, audit event time), so registrations and indicators read as six lived months.
That is the one place writing without a service: it runs once, in demo mode, in the load's
transaction.

Then every app that adds to the demo does, in INSTALLED_APPS order (directory, cases, referrals,
fund): each has a module `orienta/<app>/demo.py` whose `build(ctx)` writes its records through
its services, found by `lib.plugins.app_modules("demo")`.

Deterministic: one `random.Random(2026)` drives every choice (dates are relative to today).
"""

import random
from base64 import b32decode
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.accounts.twofactor import otp_required
from orienta.core.models import Area, Country, Event, Organisation, Role, Site, Theme, User
from orienta.demo.data import (
    ACCOUNTS,
    AREAS,
    CSO_ORGANISATIONS,
    DOCUMENT_RATES,
    DUPLICATES,
    EMAIL_DOMAIN,
    ESTIMATED_BIRTH,
    HISTORY_DAYS,
    MOBILE_PREFIXES,
    NATIONAL_LENGTH,
    NOTES,
    OCCUPATIONS,
    ORGANISATIONS,
    ORIGINS,
    PASSWORD,
    POOLS,
    PROVIDER_ORGANISATIONS,
    SCHOOLING,
    SEED,
    SENTINEL_USERNAME,
    SITES,
    THEME_WEIGHTS,
    NamePool,
    SiteSpec,
)
from orienta.frontdesk.models import AgeBand, Visit
from orienta.frontdesk.services import visit_record
from orienta.lib.phones import to_e164
from orienta.lib.plugins import app_modules
from orienta.people.models import (
    CivilDocument,
    Household,
    HouseholdMember,
    MatchDecision,
    Person,
    Relationship,
)
from orienta.people.services import household_add_member, household_create, person_register

# Building
# =============================================================================================


@dataclass
class Context:
    """What the builders share while loading: the random stream, the clock, looked-up rows."""

    rng: random.Random
    now: datetime
    themes: dict[str, Theme]
    countries: dict[str, Country] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    phones: set[str] = field(default_factory=set)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def already_loaded() -> bool:
    return User.objects.filter(username=SENTINEL_USERNAME).exists()


def load(*, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Load the whole demo in one transaction; returns counts per site."""
    ctx = Context(
        rng=random.Random(SEED), now=now or timezone.now(), themes=Theme.objects.in_bulk()
    )
    ctx.phones.update(orig["phone"] for dups in DUPLICATES.values() for orig, _v in dups)
    with transaction.atomic():
        for code, country in Country.objects.in_bulk(field_name="code").items():
            if code in SITES:
                ctx.countries[code] = country
        build_areas(ctx)
        build_organisations(ctx)
        build_sites(ctx)
        build_accounts(ctx)
        for country_code, specs in SITES.items():
            for spec in specs:
                build_site_history(ctx, spec, country_code)
        for module in app_modules("demo"):
            module.build(ctx)
    return ctx.counts


def build_areas(ctx: Context) -> None:
    for country_code, regions in AREAS.items():
        country = ctx.countries[country_code]
        for code, name, districts in regions:
            region, _ = Area.objects.get_or_create(
                code=code, defaults=dict(country=country, level=1, name=name)
            )
            ctx.areas[code] = region
            for sub_code, sub_name in districts:
                ctx.areas[sub_code], _ = Area.objects.get_or_create(
                    code=sub_code,
                    defaults=dict(country=country, level=2, parent=region, name=sub_name),
                )


def build_organisations(ctx: Context) -> None:
    for country_code, rows in ORGANISATIONS.items():
        country = ctx.countries[country_code]
        for key, kind, name, area, contact, phone, mailbox, address in rows:
            ctx.organisations[key], _ = Organisation.objects.get_or_create(
                name=name,
                country=country,
                defaults=dict(
                    kind=kind,
                    area=ctx.areas[area],
                    contact_name=contact,
                    phone=to_e164(phone, country_code),
                    email=f"contact@{mailbox}.example",
                    address=address,
                ),
            )


def build_sites(ctx: Context) -> None:
    for country_code, specs in SITES.items():
        country = ctx.countries[country_code]
        for spec in specs:
            ctx.sites[spec.code], _ = Site.objects.get_or_create(
                code=spec.code,
                defaults=dict(
                    name=spec.name,
                    country=country,
                    area=ctx.areas[spec.area],
                    organisation=ctx.organisations[spec.organisation],
                    address=spec.address,
                    opening_hours=spec.opening_hours,
                    timezone=country.timezone,
                ),
            )


def build_accounts(ctx: Context) -> None:
    """The demo accounts; one password hash shared by all (hashing is deliberately slow)."""
    hashed = make_password(PASSWORD)
    essor = {"TD": "essor-td", "MZ": "essor-mz", "GW": "essor-gw"}
    for username, role, first, last, site_code, country_code in ACCOUNTS:
        is_admin = role == Role.ADMIN
        user = User.objects.create(
            username=username,
            password=hashed,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@{EMAIL_DOMAIN}",
            is_staff=is_admin,
            is_superuser=is_admin,
            country=ctx.countries.get(country_code),
            organisation=_account_organisation(ctx, username, role, essor.get(country_code)),
        )
        if site_code:
            user.sites.set([ctx.sites[site_code]])
        if otp_required(user):
            demo_device_add(user)
        ctx.users[username] = user


def _account_organisation(
    ctx: Context, username: str, role: str, essor: str | None
) -> Organisation | None:
    if role == Role.COORDINATOR:
        assert essor is not None, username  # a coordinator's organisation is given
        return ctx.organisations[essor]
    if role == Role.PROVIDER:
        return ctx.organisations[PROVIDER_ORGANISATIONS[username]]
    if role == Role.CSO:
        return ctx.organisations[CSO_ORGANISATIONS[username]]
    return None


# Demo only: the accounts whose role requires two-factor authentication (manager-td,
# coordinator-td, coordinator-mz, me-hq, admin) share this published secret, so anyone trying
# the demo can add it to an authenticator app, or run `manage.py demo_otp`, and sign in.
# A real account's secret is random and shown once, on /account/2fa/setup/.
DEMO_TOTP_SECRET = "ORIENTADEMOORIENTADEMOORIENTADEM"


def demo_device_add(user: User) -> TOTPDevice:
    key = b32decode(DEMO_TOTP_SECRET).hex()
    return TOTPDevice.objects.create(user=user, name="Orienta demo", key=key, confirmed=True)


def site_agents(ctx: Context, site: Site) -> list[User]:
    """The site's staff, its first agent first (they record most of the work)."""
    return [ctx.users[name] for name, _role, _f, _l, code, _c in ACCOUNTS if code == site.code]


# ---------------------------------------------------------------------------------------------
# One site's six months
# ---------------------------------------------------------------------------------------------


@dataclass
class Member:
    relationship: str
    sex: str
    age: int
    given_name: str
    family_name: str
    identity: dict = field(default_factory=dict)  # fixed identity (near-duplicate pairs)


@dataclass
class HouseholdPlan:
    when: datetime
    status: tuple[str, str]  # migration status, nationality
    locality: tuple[str, str]
    members: list[Member]
    origin: str = ""


@dataclass(frozen=True)
class Registration:
    person: Person
    when: datetime
    age: int
    origin: str


@dataclass
class SiteRun:
    """One site being built: its spec, its staff and what was registered so far."""

    ctx: Context
    spec: SiteSpec
    country: str
    site: Site
    agents: list[User]
    tz: ZoneInfo
    start: date
    end: date  # yesterday, local time
    registered: list[Registration] = field(default_factory=list)

    @property
    def rng(self) -> random.Random:
        return self.ctx.rng

    @property
    def language(self) -> str:
        return self.site.country.language

    def agent(self) -> User:
        return self.rng.choices(self.agents, weights=[4] + [1] * (len(self.agents) - 1))[0]


def build_site_history(ctx: Context, spec: SiteSpec, country_code: str) -> None:
    site = ctx.sites[spec.code]
    tz = ZoneInfo(site.timezone)
    today = ctx.now.astimezone(tz).date()
    run = SiteRun(
        ctx,
        spec,
        country_code,
        site,
        site_agents(ctx, site),
        tz,
        start=today - timedelta(days=HISTORY_DAYS),
        end=today - timedelta(days=1),
    )
    dups = DUPLICATES.get(spec.code, [])
    plans = plan_households(run, spec.persons - len(dups), [orig for orig, _v in dups])
    plans += [plan_duplicate(run, orig, variant) for orig, variant in dups]
    for plan in sorted(plans, key=lambda p: p.when):
        register_household(run, plan)
    record_person_visits(run)
    record_anonymous_visits(run, count=round(spec.persons * 0.6))
    record_todays_visits(run)
    _backdate_visits(site)
    ctx.counts[spec.code] = {
        "persons": Person.objects.filter(site=site).count(),
        "households": Household.objects.filter(site=site).count(),
        "visits": Visit.objects.current().filter(site=site).count(),
        "anonymous": Visit.objects.current().filter(site=site, person__isnull=True).count(),
    }


# ---------------------------------------------------------------------------------------------
# Time: open days and hours of a site
# ---------------------------------------------------------------------------------------------


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _at(run: SiteRun, day: date, minute: int) -> datetime:
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=run.tz)
    return local.astimezone(UTC)


def open_day(run: SiteRun, first: date, last: date, skew: float = 1.0) -> date | None:
    """A random day the site is open between two days (None if there is none).

    A `skew` above 1 favours the first days, so more people have a history to show.
    """
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [day for day in days if day.weekday() in run.spec.hours]
    if not days:
        return None
    return days[int(len(days) * run.rng.random() ** skew)]


def history_day(run: SiteRun, first: date, last: date, skew: float = 1.0) -> date:
    """An open day in a span of weeks of the history (every site opens every week)."""
    day = open_day(run, first, last, skew)
    if day is None:
        raise ValueError(f"{run.spec.code} is never open from {first} to {last}")
    return day


def visit_time(run: SiteRun, day: date) -> datetime:
    """A time within the site's opening hours that day (busier in the morning)."""
    opening, closing = (_minutes(t) for t in run.spec.hours[day.weekday()])
    minute = int(run.rng.triangular(opening, closing - 15, opening + 60))
    return _at(run, day, minute)


# ---------------------------------------------------------------------------------------------
# Households: who lives together, with plausible names and ages
# ---------------------------------------------------------------------------------------------

HOUSEHOLD_SIZES = {1: 16, 2: 11, 3: 14, 4: 16, 5: 14, 6: 12, 7: 9, 8: 8}


def plan_households(run: SiteRun, quota: int, heads: list[dict]) -> list[HouseholdPlan]:
    """Households up to `quota` persons: first those headed by the `heads` given (nationals),
    then one of each displaced or migrant group of the site, then at random."""
    statuses = run.spec.statuses
    first_rows = [statuses[0]] * len(heads) + list(statuses[1:])
    plans: list[HouseholdPlan] = []
    total = 0
    while total < quota:
        size = run.rng.choices(list(HOUSEHOLD_SIZES), weights=list(HOUSEHOLD_SIZES.values()))[0]
        size = min(size, quota - total)
        index = len(plans)
        head = heads[index] if index < len(heads) else None
        if head and size == 1:
            size = min(3, quota - total)
        row = first_rows[index] if index < len(first_rows) else None
        plans.append(plan_household(run, size, head, row))
        total += size
    return plans


def _pick_status(run: SiteRun, row: tuple | None) -> tuple[str, str, str, str]:
    rows = run.spec.statuses
    row = row or run.rng.choices(rows, weights=[r[2] for r in rows])[0]
    status, nationality, _w, pool, origin = row
    if not pool:
        pool = run.rng.choices(
            [p for p, _w in run.spec.pools], weights=[w for _p, w in run.spec.pools]
        )[0]
    return status, nationality, pool, origin


def plan_household(
    run: SiteRun, size: int, head_identity: dict | None, status_row: tuple | None = None
) -> HouseholdPlan:
    rng = run.rng
    status, nationality, pool_key, origin = _pick_status(run, status_row)
    names = Namer(run, POOLS[pool_key])
    head = _plan_head(run, names, size, head_identity)
    members = [head]
    spouse = None
    if size > 1 and rng.random() < (0.85 if head.sex == "male" else 0.25):
        spouse = _plan_spouse(run, names, head)
        members.append(spouse)
    while len(members) < size:
        members.append(_plan_relative(run, names, head, spouse, members))
    when = visit_time(run, history_day(run, run.start, run.end, skew=1.3))
    return HouseholdPlan(
        when=when,
        status=(status, nationality),
        locality=rng.choice(run.spec.localities),
        members=members,
        origin=origin,
    )


def _plan_head(run: SiteRun, names: "Namer", size: int, identity: dict | None) -> Member:
    rng = run.rng
    if identity:
        age = _age_in_years(identity["birth_date"], run.end)
        return Member(
            Relationship.HEAD,
            identity["sex"],
            age,
            identity["given_name"],
            identity["family_name"],
            identity=identity,
        )
    sex = "female" if rng.random() < 0.55 else "male"
    if size == 1:
        age = rng.randint(17, 24) if rng.random() < 0.55 else rng.randint(25, 72)
    else:
        age = rng.randint(22, 60) if rng.random() < 0.88 else rng.randint(61, 78)
    return Member(Relationship.HEAD, sex, age, names.given(sex), names.family_of_own())


def _plan_spouse(run: SiteRun, names: "Namer", head: Member) -> Member:
    if head.sex == "male":
        age = max(17, head.age - run.rng.randint(0, 12))
        return Member(
            Relationship.SPOUSE, "female", age, names.given("female"), names.family_of_own()
        )
    age = head.age + run.rng.randint(0, 10)
    return Member(Relationship.SPOUSE, "male", age, names.given("male"), names.family_of_own())


def _plan_relative(
    run: SiteRun, names: "Namer", head: Member, spouse: Member | None, members: list[Member]
) -> Member:
    rng = run.rng
    sex = "female" if rng.random() < 0.56 else "male"
    roll = rng.random()
    if roll < 0.08 and head.age < 45:
        return names.parent_of(head, sex, head.age + rng.randint(18, 30), members)
    if roll < 0.16:
        return Member(
            Relationship.SIBLING,
            sex,
            max(8, head.age + rng.randint(-12, 8)),
            names.given(sex, avoid=members),
            head.family_name,
        )
    if roll < 0.26 and head.age >= 42:
        return Member(
            Relationship.GRANDCHILD,
            sex,
            rng.randint(0, 9),
            names.given(sex, avoid=members),
            names.family_of_grandchild(head),
        )
    if roll < 0.30:
        return Member(
            Relationship.OTHER_RELATIVE,
            sex,
            rng.randint(6, 30),
            names.given(sex, avoid=members),
            names.family_of_own(),
        )
    mother_age = next((m.age for m in (head, spouse) if m and m.sex == "female"), head.age - 3)
    age = rng.randint(0, max(0, min(mother_age - 16, 24)))
    return Member(
        Relationship.CHILD,
        sex,
        age,
        names.given(sex, avoid=members),
        names.family_of_child(head, spouse),
    )


class Namer:
    """Names from one pool; Chadian pools are patronymic (family name = father's given name)."""

    def __init__(self, run: SiteRun, pool: NamePool):
        self.rng, self.pool = run.rng, pool
        self.absent_father = self.rng.choice(pool.family or pool.male)

    def given(self, sex: str, avoid: Iterable[Member] = ()) -> str:
        choices = self.pool.female if sex == "female" else self.pool.male
        taken = {m.given_name for m in avoid}
        return self.rng.choice([n for n in choices if n not in taken] or choices)

    def family_of_own(self) -> str:
        return self.rng.choice(self.pool.family or self.pool.male)

    def family_of_child(self, head: Member, spouse: Member | None) -> str:
        father = next((m for m in (head, spouse) if m and m.sex == "male"), None)
        if not self.pool.family:  # patronymic
            return father.given_name.split()[0] if father else self.absent_father
        if father:
            return father.family_name
        return self.absent_father if self.rng.random() < 0.5 else head.family_name

    def family_of_grandchild(self, head: Member) -> str:
        if self.pool.family and self.rng.random() < 0.6:
            return head.family_name
        return self.family_of_own()

    def parent_of(self, head: Member, sex: str, age: int, members: list[Member]) -> Member:
        """The head's father gave the head their (patronymic) family name."""
        given, family = self.given(sex, avoid=members), self.family_of_own()
        if sex == "male":
            if self.pool.family:
                family = head.family_name
            else:
                given = head.family_name
        return Member(Relationship.PARENT, sex, age, given, family)


def _age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def plan_duplicate(run: SiteRun, original: dict, variant: dict) -> HouseholdPlan:
    """The second record of a person: same phone or birth date, a variant spelling."""
    identity = original | variant
    first = run.start + timedelta(days=HISTORY_DAYS // 2)
    when = visit_time(run, history_day(run, first, run.end - timedelta(days=3)))
    born = identity["birth_date"] or original["birth_date"]
    member = Member(
        "",
        identity["sex"],
        _age_in_years(born, run.end),
        identity["given_name"],
        identity["family_name"],
        identity=identity,
    )
    status = run.spec.statuses[0]  # nationals
    return HouseholdPlan(
        when=when, status=(status[0], status[1]), locality=run.spec.localities[0], members=[member]
    )


# ---------------------------------------------------------------------------------------------
# A person's data
# ---------------------------------------------------------------------------------------------


def person_data(run: SiteRun, plan: HouseholdPlan, member: Member) -> dict:
    rng = run.rng
    status, nationality = plan.status
    born, estimated = birth_date(run, member, status)
    data = {
        "given_name": member.given_name,
        "family_name": member.family_name,
        "sex": member.sex,
        "birth_date": born,
        "birth_date_estimated": estimated,
        "phone": phone_for(run, member),
        "locality": plan.locality[0],
        "area": run.ctx.areas[plan.locality[1]],
        "nationality": nationality,
        "migration_status": status,
        "documents": documents_for(run, member.age, status),
        "education": education_for(run, member.age),
        "occupation": occupation_for(run, member),
        "consent_processing": rng.random() < 0.97,
    }
    data["consent_sharing"] = data["consent_processing"] and rng.random() < 0.8
    if data["phone"] and rng.random() < 0.08:
        data["phone_alt"] = new_phone(run)
    if member.age >= 18 and rng.random() < 0.45:
        data |= washington_group(run, member.age)
    if member.identity:
        data |= {"birth_date_estimated": False} | member.identity
    return data


def birth_date(run: SiteRun, member: Member, status: str) -> tuple[date, bool]:
    rng = run.rng
    share = ESTIMATED_BIRTH[run.country] + (0.25 if status in ("refugee", "idp") else 0.0)
    share += 0.3 if member.age >= 55 else 0.0
    share = share / 3 if member.age < 15 else share
    year = run.end.year - member.age
    if rng.random() < share:  # "born about 1985", written 1 January 1985
        return date(year, 1, 1), True
    born = date(year, 1, 1) - timedelta(days=rng.randint(0, 364))
    return min(born, run.end - timedelta(days=30)), False


def new_phone(run: SiteRun) -> str:
    """A valid, unused mobile number of the country, in E.164."""
    prefixes, length = MOBILE_PREFIXES[run.country], NATIONAL_LENGTH[run.country]
    code = run.site.country.phone_prefix
    while True:
        prefix = run.rng.choice(prefixes)
        rest = "".join(str(run.rng.randint(0, 9)) for _ in range(length - len(prefix)))
        number = to_e164(f"{code}{prefix}{rest}", run.country)
        if number not in run.ctx.phones:
            run.ctx.phones.add(number)
            return number


def phone_for(run: SiteRun, member: Member) -> str:
    if member.identity:
        return member.identity.get("phone", "")
    shares: dict[str, float] = {Relationship.HEAD: 0.85, Relationship.SPOUSE: 0.6}
    share = shares.get(member.relationship, 0.5)
    if member.age < 15:
        share = 0.0
    elif member.age < 18:
        share = 0.35
    return new_phone(run) if run.rng.random() < share else ""


def documents_for(run: SiteRun, age: int, status: str) -> list[str]:
    rng = run.rng
    held = []
    factor = 0.5 if status in ("idp", "refugee", "returnee") else 1.0
    for document, (adult, child) in DOCUMENT_RATES[run.country].items():
        if status == "refugee" and document in ("national_id", "voter_card", "family_book"):
            continue
        if rng.random() < (adult if age >= 18 else child) * factor:
            held.append(document)
    if status == "refugee" and rng.random() < 0.8:
        held.append(CivilDocument.REFUGEE_ID)
    if age < 5 and rng.random() < 0.6:
        held.append(CivilDocument.HEALTH_CARD)
    if age >= 18 and rng.random() < 0.03:
        held.append(CivilDocument.PASSPORT)
    return held


EDUCATION_WEIGHTS = {
    "none": 40,
    "primary": 28,
    "lower_secondary": 14,
    "upper_secondary": 9,
    "vocational": 5,
    "higher": 4,
}


def education_for(run: SiteRun, age: int) -> str:
    rng = run.rng
    if age < 6:
        return ""
    if age < 12:
        return "primary" if rng.random() < 0.6 * SCHOOLING[run.country] else "none"
    if age < 15:
        return rng.choice(("primary", "lower_secondary", "lower_secondary", "none"))
    weights = dict(EDUCATION_WEIGHTS)
    weights["none"] = round(weights["none"] / SCHOOLING[run.country] * (0.6 if age < 25 else 1))
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def occupation_for(run: SiteRun, member: Member) -> str:
    pools = OCCUPATIONS[run.language]
    if member.age < 6:
        return ""
    if member.age < 15:
        return pools["child"][0] if run.rng.random() < 0.7 else ""
    if member.age < 18 or (member.age < 25 and run.rng.random() < 0.6):
        return run.rng.choice(pools[f"youth_{member.sex}"])
    return run.rng.choice(pools[member.sex])


WG_FIELDS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_cognition",
    "wg_selfcare",
    "wg_communication",
)


def washington_group(run: SiteRun, age: int) -> dict:
    """Answers to the short set: mostly no difficulty, more with age, a few disabilities."""
    rng = run.rng
    frailty = 0.05 + (0.2 if age >= 60 else 0.0)
    answers = {}
    for name in WG_FIELDS:
        roll = rng.random()
        answers[name] = (
            4 if roll < frailty / 8 else 3 if roll < frailty / 3 else 2 if roll < frailty else 1
        )
    return answers


# ---------------------------------------------------------------------------------------------
# Registering and backdating
# ---------------------------------------------------------------------------------------------


def register_household(run: SiteRun, plan: HouseholdPlan) -> None:
    agent = run.agent()
    persons = []
    for member in plan.members:
        person = person_register(site=run.site, data=person_data(run, plan, member), by=agent)
        persons.append(person)
        run.registered.append(Registration(person, plan.when, member.age, plan.origin))
    if plan.members[0].relationship != Relationship.HEAD:  # a duplicate, registered alone
        _backdate_registration(persons, None, plan.when)
        return
    household = household_create(head=persons[0], by=agent, locality=plan.locality[0])
    for member, person in zip(plan.members[1:], persons[1:], strict=True):
        household_add_member(
            household=household, person=person, relationship=member.relationship, by=agent
        )
    _backdate_registration(persons, household, plan.when)


def _backdate_registration(
    persons: list[Person], household: Household | None, when: datetime
) -> None:
    ids = [p.pk for p in persons]
    Person.objects.filter(pk__in=ids).update(created_at=when, updated_at=when)
    Person.objects.filter(pk__in=ids, consent_date__isnull=False).update(consent_date=when.date())
    MatchDecision.objects.filter(person_id__in=ids).update(decided_at=when)
    touched = list(ids)
    if household is not None:
        touched.append(household.pk)
        Household.objects.filter(pk=household.pk).update(created_at=when, updated_at=when)
        HouseholdMember.objects.filter(household=household).update(
            joined_on=when.date(), created_at=when, updated_at=when
        )
    Event.objects.filter(object_id__in=touched).update(at=when)


def _backdate_visits(site: Site) -> None:
    visits = Visit.objects.filter(site=site)
    visits.update(created_at=F("occurred_at"), updated_at=F("occurred_at"))
    occurred = Visit.objects.filter(pk=OuterRef("object_id")).values("occurred_at")[:1]
    Event.objects.filter(site=site, object_type="frontdesk.visit").update(at=Subquery(occurred))


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------

FOLLOW_UP_DAYS = 12
FIRST_CHANNELS = {"walk_in": 60, "outreach": 18, "partner": 14, "fair": 8}
LATER_CHANNELS = {
    "walk_in": 55,
    "phone": 20,
    "home_visit": 8,
    "outreach": 7,
    "partner": 5,
    "fair": 5,
}
OUTCOMES = {"informed": 45, "oriented": 40, "case": 15}


def _weighted[K: str](rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def needs_of(run: SiteRun, person: Person, age: int) -> list[str]:
    """The themes a person keeps coming back for."""
    rng = run.rng
    weights = dict(THEME_WEIGHTS[run.country])
    if age < 15:
        weights |= {
            "civil_registration": 50,
            "education": 25,
            "child_protection": 10,
            "vocational_training": 0,
            "employment": 0,
            "gbv": 0,
        }
    elif age < 25:
        weights |= {"vocational_training": 30, "employment": 25, "education": 12}
    if person.migration_status in ("refugee", "idp", "returnee"):
        weights |= {"rights": 20, "social_protection": 20, "civil_registration": 35}
    if person.sex == "male":
        weights["gbv"] = weights["gbv"] // 3
    if person.disability_status == "disability":
        weights["disability"] = 40
    needs = [_weighted(rng, weights)]
    if rng.random() < 0.4:
        needs.append(_weighted(rng, weights))
    return list(dict.fromkeys(needs))


def visit_count(run: SiteRun, age: int) -> int:
    if age < 15:
        return run.rng.choice((1, 1, 2, 2, 3))
    return run.rng.choices(range(1, 11), weights=(4, 8, 12, 15, 15, 13, 11, 9, 7, 6))[0]


def record_person_visits(run: SiteRun) -> None:
    """Each person's visits, the first on the day they were registered."""
    for reg in run.registered:
        needs = needs_of(run, reg.person, reg.age)
        count = visit_count(run, reg.age)
        times = [reg.when] if count else []
        day = reg.when.astimezone(run.tz).date()
        for _n in range(count - 1):
            # Follow-ups come a few weeks apart, until yesterday.
            start = day + timedelta(days=1 + int(run.rng.expovariate(1 / FOLLOW_UP_DAYS)))
            found = open_day(run, start, min(start + timedelta(days=6), run.end))
            if found is None:
                break
            day = found
            times.append(visit_time(run, day))
        story = ORIGINS.get(reg.origin, "") if reg.age >= 15 else ""
        for number, at in enumerate(times):
            record_visit(
                run,
                at,
                needs,
                first=number == 0,
                person=reg.person,
                notes=story if number == 0 and story else None,
            )


def record_visit(
    run: SiteRun,
    at: datetime,
    needs: list[str],
    *,
    first: bool,
    person: Person | None = None,
    anonymous: dict | None = None,
    channel: str = "",
    notes: str | None = None,
) -> Visit:
    rng = run.rng
    themes = list(needs) if rng.random() < 0.8 else [_weighted(rng, THEME_WEIGHTS[run.country])]
    if rng.random() < 0.15:
        themes.append(_weighted(rng, THEME_WEIGHTS[run.country]))
    themes = list(dict.fromkeys(themes))
    outcome = _weighted(rng, OUTCOMES)
    if {"gbv", "child_protection"} & set(themes) and rng.random() < 0.5:
        outcome = "case"
    if notes is None:
        notes = NOTES[run.language].get(themes[0], "") if person and rng.random() < 0.35 else ""
    data = {
        "occurred_at": at,
        "themes": [run.ctx.themes[t] for t in themes],
        "channel": channel or _weighted(rng, FIRST_CHANNELS if first else LATER_CHANNELS),
        "outcome": outcome,
        "notes": notes,
    } | (anonymous or {})
    return visit_record(site=run.site, by=run.agent(), data=data, person=person)


ANONYMOUS_BANDS = {
    AgeBand.UNDER_15: 6,
    AgeBand.YOUTH: 38,
    AgeBand.ADULT: 44,
    AgeBand.ELDER: 8,
    AgeBand.UNKNOWN: 4,
}


def _anonymous(run: SiteRun) -> dict:
    return {
        "anonymous_sex": "female" if run.rng.random() < 0.58 else "male",
        "anonymous_age_band": _weighted(run.rng, ANONYMOUS_BANDS),
    }


def record_anonymous_visits(run: SiteRun, count: int) -> None:
    """People who wanted information only: counted by sex and age band, nothing else."""
    for _n in range(count):
        at = visit_time(run, history_day(run, run.start, run.end))
        theme = _weighted(run.rng, THEME_WEIGHTS[run.country])
        channel = _weighted(run.rng, {"walk_in": 60, "outreach": 20, "fair": 12, "phone": 8})
        record_visit(run, at, [theme], first=True, anonymous=_anonymous(run), channel=channel)


def todays_window(run: SiteRun) -> tuple[int, int, str]:
    """Minutes of today (local) when visits may have happened so far, and their channel.

    Within opening hours on an open day; on a closed day an outreach session in the morning;
    before either has begun, calls in the last hour and a half (by phone).
    """
    local_now = run.ctx.now.astimezone(run.tz)
    now_minute = local_now.hour * 60 + local_now.minute
    hours = run.spec.hours.get(local_now.weekday())
    opening, closing, channel = (
        (_minutes(hours[0]), _minutes(hours[1]), "") if hours else (9 * 60, 13 * 60, "outreach")
    )
    closing = min(closing, now_minute)
    if closing - opening >= 15:
        return opening, closing, channel
    return max(0, now_minute - 90), now_minute, "phone"


def record_todays_visits(run: SiteRun) -> None:
    """A few visits today, so the front desk's day is not empty."""
    opening, closing, channel = todays_window(run)
    today = run.ctx.now.astimezone(run.tz).date()
    adults = [(reg.person, reg.age) for reg in run.registered if reg.age >= 15]
    for person, age in run.rng.sample(adults, k=min(4, len(adults))):
        at = _at(run, today, run.rng.randint(opening, closing))
        record_visit(
            run, at, needs_of(run, person, age), first=False, person=person, channel=channel
        )
    for _n in range(2):
        at = _at(run, today, run.rng.randint(opening, closing))
        theme = _weighted(run.rng, THEME_WEIGHTS[run.country])
        record_visit(
            run, at, [theme], first=True, anonymous=_anonymous(run), channel=channel or "walk_in"
        )

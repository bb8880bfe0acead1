"""The generated network: about thirty BIOSP sites over the three countries, their operating
organisations, staff and country coordinators.

Places, organisations and name pools are the demo's (`orienta.demo.data`); each bench site
copies the character (opening hours, name pools, migration profile) of the demo site of its
region, or of the nearest one, and takes its neighbourhoods from the districts of its region.
"""

import random
import time
from base64 import b32decode
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.core.access import needs_two_factor
from orienta.core.models import Country, Organisation, Role, Site, User
from orienta.demo.build import Context, build_areas, build_organisations
from orienta.demo.data import AREAS, POOLS, SITES, SiteSpec

#: Every generated account's password (a bench database holds no real person).
PASSWORD = "orienta-bench"
EMAIL_DOMAIN = "bench.orienta.example"
AGENTS_PER_SITE = 3
#: The authenticator secret of every generated account whose role requires two-factor
#: authentication (managers, coordinators), so that the bench can sign them in.
TOTP_SECRET = "ORIENTABENCHORIENTABENCHORIENTAB"
TOTP_KEY = b32decode(TOTP_SECRET).hex()


def totp_code(drift: int = 0) -> str:
    """The current code of the generated accounts' authenticator (`drift` steps ahead)."""
    return f"{totp(bytes.fromhex(TOTP_KEY), drift=drift, t0=0, step=30):06d}"


def totp_seconds_left() -> float:
    return 30 - time.time() % 30


def _device(user: User) -> None:
    if needs_two_factor(user):  # the bench signs in with its own device
        TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Orienta bench", "key": TOTP_KEY}
        )


@dataclass(frozen=True)
class Region:
    code: str  # level-1 area code
    prefix: str  # site code prefix (town)
    template: str  # demo site whose character the region's sites copy
    weight: int  # share of the country's sites and persons
    pools: tuple[tuple[str, int], ...] = ()  # name pools, when not the template's


REGIONS = {
    "TD": (
        Region("TD-ND", "NDJ", "TD-NDJ1", 5),
        Region("TD-LO", "MOU", "TD-MOU1", 3),
        Region("TD-LR", "DOB", "TD-MOU1", 1),
        Region("TD-OD", "ABE", "TD-NDJ1", 2, (("td_north", 1),)),
        Region("TD-LC", "BOL", "TD-NDJ1", 1, (("td_north", 1),)),
    ),
    "MZ": (
        Region("MZ-MPM", "MPM", "MZ-MPM1", 4),
        Region("MZ-L", "MAT", "MZ-MPM1", 2),
        Region("MZ-S", "BEI", "MZ-BEI1", 3),
        Region("MZ-P", "PEM", "MZ-BEI1", 2, (("mz_north", 1),)),
    ),
    "GW": (
        Region("GW-BS", "BIS", "GW-BIS1", 4),
        Region("GW-BA", "BAF", "GW-GAB1", 1),
        Region("GW-GA", "GAB", "GW-GAB1", 2),
        Region("GW-CA", "CAC", "GW-BIS1", 1),
    ),
}
COUNTRY_SHARE = {"TD": 40, "MZ": 33, "GW": 27}

# The operating organisation of each site: a local association named after its district.
ASSOCIATION_NAME = {
    "fr": "Association d'appui communautaire de {place}",
    "pt": "Associação de Apoio Comunitário de {place}",
}


@dataclass
class BenchSite:
    site: Site
    spec: SiteSpec
    country: str
    weight: float
    agents: list[User]


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` by weights: whole parts, then the largest remainders."""
    whole = sum(weights.values())
    raw = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in raw.items()}
    by_remainder = sorted(raw, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def site_plan(count: int) -> list[tuple[str, Region, int]]:
    """(country, region, number within the region) of each site, in code order."""
    plan = []
    for country, n_country in _apportion(count, COUNTRY_SHARE).items():
        regions = {r.code: r for r in REGIONS[country]}
        shares = _apportion(n_country, {r.code: r.weight for r in REGIONS[country]})
        for code, n in shares.items():
            plan += [(country, regions[code], k) for k in range(1, n + 1)]
    return plan


def _templates() -> dict[str, SiteSpec]:
    return {spec.code: spec for specs in SITES.values() for spec in specs}


def _districts(region: str, country: str) -> list[tuple[str, str]]:
    for code, _name, districts in AREAS[country]:
        if code == region:
            return [(name, sub) for sub, name in districts]
    raise KeyError(region)


def site_spec(country: str, region: Region, number: int) -> SiteSpec:
    """The spec of one bench site: its template's character, placed in its own district."""
    template = _templates()[region.template]
    districts = _districts(region.code, country)
    district_name, district_code = districts[(number - 1) % len(districts)]
    same_region = template.area.startswith(region.code + "-")
    localities = template.localities if same_region else tuple(districts)
    code = f"{country}-{region.prefix}{number}"
    name = f"BIOSP {district_name}"
    if number > len(districts):
        name += f" {1 + (number - 1) // len(districts)}"
    return replace(
        template,
        code=code,
        name=name,
        area=district_code,
        address=district_name,
        localities=localities,
        pools=region.pools or template.pools,
    )


def _operating_organisation(ctx: Context, spec: SiteSpec, country: Country) -> Organisation:
    area = ctx.areas[spec.area]
    template = ASSOCIATION_NAME[country.language]
    organisation, _created = Organisation.objects.get_or_create(
        name=template.format(place=area.name),
        country=country,
        defaults={"kind": Organisation.Kind.CSO, "area": area},
    )
    return organisation


def _site(ctx: Context, spec: SiteSpec, country: Country) -> Site:
    site, _created = Site.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "country": country,
            "area": ctx.areas[spec.area],
            "organisation": _operating_organisation(ctx, spec, country),
            "address": spec.address,
            "opening_hours": spec.opening_hours,
            "timezone": country.timezone,
        },
    )
    return site


def _account(username: str, role: str, hashed: str, **fields) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "password": hashed,
            "role": role,
            "email": f"{username}@{EMAIL_DOMAIN}",
            **fields,
        },
    )
    return user


def _staff(site: Site, spec: SiteSpec, rng: random.Random, hashed: str) -> list[User]:
    """The site's agents, first one first, and its manager (last), named like the people of
    the site."""
    pool = POOLS[spec.pools[0][0]]
    slug = site.code.lower()
    usernames = [f"agent-{slug}-{k}" for k in range(1, AGENTS_PER_SITE + 1)]
    people = []
    for username in usernames + [f"manager-{slug}"]:
        role = Role.MANAGER if username.startswith("manager-") else Role.AGENT
        first = rng.choice(pool.female if rng.random() < 0.5 else pool.male)
        last = rng.choice(pool.family or pool.male)
        people.append(_account(username, role, hashed, first_name=first, last_name=last))
    for user in people:
        user.sites.add(site)
        _device(user)
    return people


def build_network(*, sites: int, seed: int, now: datetime) -> list[BenchSite]:
    """Areas, organisations, sites, staff and coordinators (idempotent); sites in code order."""
    rng = random.Random(f"{seed}:network")
    ctx = Context(rng=rng, now=now, themes={})
    ctx.countries = {c.code: c for c in Country.objects.filter(code__in=REGIONS)}
    build_areas(ctx)
    build_organisations(ctx)
    hashed = make_password(PASSWORD)
    built = []
    for country_code, region, number in site_plan(sites):
        spec = site_spec(country_code, region, number)
        country = ctx.countries[country_code]
        site = _site(ctx, spec, country)
        agents = _staff(site, spec, rng, hashed)
        weight = region.weight / _apportion_count(country_code, region, sites)
        built.append(BenchSite(site, spec, country_code, weight, agents))
    for code, country in ctx.countries.items():
        coordinator = _account(
            f"coordinator-{code.lower()}",
            Role.COORDINATOR,
            hashed,
            country=country,
            first_name="Coordination",
            last_name=code,
        )
        _device(coordinator)
    _spread_weights(built, rng)
    return built


def _apportion_count(country: str, region: Region, sites: int) -> int:
    return sum(1 for c, r, _n in site_plan(sites) if c == country and r.code == region.code)


def _spread_weights(built: list[BenchSite], rng: random.Random) -> None:
    """Persons per site: the country's share, split by region weight, then uneven between
    sites (a busy town office sees three times what a quiet one does)."""
    by_country: dict[str, float] = {}
    for b in built:
        b.weight *= rng.uniform(0.5, 1.5)
        by_country[b.country] = by_country.get(b.country, 0.0) + b.weight
    for b in built:
        b.weight = COUNTRY_SHARE[b.country] * b.weight / by_country[b.country]

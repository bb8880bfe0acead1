"""The pages and API lists of the follow-up work (worklist, cases, referrals, directory, fund):
which ones the benchmark opens, as whom, and on which lists, short and long.

Lists are compared between real rows of the generated set: the agent with the fewest planned
actions and the one with the most, the site with the fewest referrals and the one with the
most, the case with the shortest timeline and the longest, and so on.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Count, Q
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.cases.models import Case, CaseAction
from orienta.core.models import Role, Site, User
from orienta.core.services import api_token_issue
from orienta.directory.models import Service
from orienta.fund.models import FundRequest
from orienta.fund.models import Status as FundStatus
from orienta.referrals.models import Referral

API_LISTS = {
    "API cases list": "/api/v1/cases?page_size={}",
    "API referrals list": "/api/v1/referrals?page_size={}",
    "API fund requests list": "/api/v1/fund/requests?page_size={}",
    "API HSDS services list": "/api/v1/hsds/services?per_page={}",
}


def verified_client(user: User) -> Client:
    """A test client signed in as `user`, past two-factor when the user has a device."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def first_of(role: str, site_id) -> User:
    return User.objects.filter(role=role, sites=site_id).order_by("username").first()


def _extremes(queryset, field: str) -> tuple[dict, dict]:
    counted = queryset.values(field).annotate(n=Count("pk"))
    return counted.order_by("n", field).first(), counted.order_by("-n", field).first()


@dataclass
class Spec:
    label: str
    user: User | None
    path: str
    api: bool = False


def _worklists() -> dict[str, tuple[Spec, Spec]]:
    planned = CaseAction.objects.filter(status="planned", case__status__in=["open", "in_progress"])
    few, many = _extremes(planned.exclude(assignee=None), "assignee")
    agents = User.objects.in_bulk([few["assignee"], many["assignee"]])
    open_cases = Case.objects.exclude(status="closed")
    quiet, busy = _extremes(open_cases, "site")
    return {
        "worklist (agent)": (
            Spec(f"{few['n']} planned actions", agents[few["assignee"]], "/worklist/"),
            Spec(f"{many['n']} planned actions", agents[many["assignee"]], "/worklist/"),
        ),
        "worklist (manager)": (
            Spec(f"{quiet['n']} open cases", first_of(Role.MANAGER, quiet["site"]), "/worklist/"),
            Spec(f"{busy['n']} open cases", first_of(Role.MANAGER, busy["site"]), "/worklist/"),
        ),
    }


def _timelines() -> dict[str, tuple[Spec, Spec]]:
    # Cases in the same state (in progress: a plan, contacts), so that only the lists differ.
    cases = Case.objects.filter(sensitive=False, status="in_progress").annotate(n=Count("events"))
    short, long = cases.order_by("n", "code").first(), cases.order_by("-n", "code").first()
    referrals = Referral.objects.filter(case__isnull=True).annotate(n=Count("events"))
    first, last = referrals.order_by("n", "code").first(), referrals.order_by("-n", "code").first()
    return {
        "case page": tuple(
            Spec(f"{c.n} timeline entries", c.responsible, f"/cases/{c.pk}/") for c in (short, long)
        ),
        "referral page": tuple(
            Spec(f"{r.n} events", first_of(Role.AGENT, r.site_id), f"/referrals/{r.pk}/")
            for r in (first, last)
        ),
    }


def _site_lists() -> dict[str, tuple[Spec, Spec]]:
    few, many = _extremes(Referral.objects.all(), "site")
    waiting = FundRequest.objects.filter(status__in=[FundStatus.REQUESTED, FundStatus.APPROVED])
    calm, queued = _extremes(waiting, "site")
    small, big = _extremes(FundRequest.objects.all(), "site")
    return {
        "referrals list": tuple(
            Spec(f"{s['n']} referrals at the site", first_of(Role.AGENT, s["site"]), "/referrals/")
            for s in (few, many)
        ),
        "fund requests (agent)": tuple(
            Spec(f"{s['n']} requests at the site", first_of(Role.AGENT, s["site"]), "/fund/")
            for s in (small, big)
        ),
        "fund queue (manager)": tuple(
            Spec(f"{s['n']} waiting", first_of(Role.MANAGER, s["site"]), "/fund/queue/")
            for s in (calm, queued)
        ),
    }


def _directory() -> dict[str, tuple[Spec, Spec]]:
    site = Site.objects.filter(country__code="TD").order_by("code").first()
    agent = first_of(Role.AGENT, site.pk)
    services = Service.objects.filter(organisation__country=site.country)
    word = services.order_by("name").values_list("name", flat=True).first().split()[0]
    found = services.filter(Q(name__icontains=word) | Q(description__icontains=word)).count()
    return {
        "directory search": (
            Spec(f"“{word}”: about {found} found", agent, "/directory/?q=" + quote(word)),
            Spec(f"all {services.count()} services", agent, "/directory/"),
        )
    }


def _api(site: Site) -> dict[str, tuple[Spec, Spec]]:
    agent = first_of(Role.AGENT, site.pk)
    return {
        name: (
            Spec("page of 5", agent, path.format(5), api=True),
            Spec("page of 50", agent, path.format(50), api=True),
        )
        for name, path in API_LISTS.items()
    }


def specs() -> dict[str, tuple[Spec, Spec]]:
    """Page name: (short list, long list). Empty when the set has no follow-up layer."""
    if not Case.objects.exists() or not Referral.objects.exists():
        return {}
    busiest = Site.objects.annotate(n=Count("cases")).order_by("-n", "code").first()
    return _worklists() | _timelines() | _site_lists() | _directory() | _api(busiest)


class Clients:
    """One signed-in test client per user (session or API token), made on first use."""

    def __init__(self):
        self.sessions: dict = {}
        self.tokens: dict = {}

    def for_spec(self, spec: Spec) -> Client:
        if spec.api:
            if spec.user.pk not in self.tokens:
                token = api_token_issue(user=spec.user)[0]
                self.tokens[spec.user.pk] = Client(headers={"authorization": f"Bearer {token}"})
            return self.tokens[spec.user.pk]
        if spec.user.pk not in self.sessions:
            self.sessions[spec.user.pk] = verified_client(spec.user)
        return self.sessions[spec.user.pk]


# ---------------------------------------------------------------------------------------------
# What the load and the weighing open
# ---------------------------------------------------------------------------------------------


def subject(site: Site, agent: User) -> dict:
    """A case and a referral of the site the agent may open (the longest timelines), and a
    directory search term of the country."""
    cases = Case.objects.visible_to(agent).filter(site=site).annotate(n=Count("events"))
    case = cases.order_by("-n", "code").first()
    referral = (
        Referral.objects.visible_to(agent)
        .filter(site=site)
        .annotate(n=Count("events"))
        .order_by("-n", "code")
        .first()
    )
    service = Service.objects.filter(organisation__country=site.country_id).order_by("name")
    first = service.values_list("name", flat=True).first() or ""
    return {
        "case": str(case.pk) if case else "",
        "referral": str(referral.pk) if referral else "",
        "directory_q": first.split()[0] if first else "",
        "manager": getattr(first_of(Role.MANAGER, site.pk), "username", ""),
    }


def agent_paths(s: dict) -> dict[str, str]:
    paths = {
        "worklist (agent)": "/worklist/",
        "referrals list": "/referrals/",
        "directory search": f"/directory/?q={quote(s['directory_q'])}",
        "fund requests (agent)": "/fund/",
    }
    if s["case"]:
        paths["case page"] = f"/cases/{s['case']}/"
    if s["referral"]:
        paths["referral page"] = f"/referrals/{s['referral']}/"
    return paths


MANAGER_PATHS = {"worklist (manager)": "/worklist/", "fund queue (manager)": "/fund/queue/"}

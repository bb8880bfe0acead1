"""Concurrent simulated agents against the running server.

Each user is one agent with their own session and API token, working at their own site: they
open their day, search a common family name of the site, open persons, open the registration
form, record visits, and use the API's search and look-alike match; and the follow-up work:
their worklist, cases, referrals, the directory, the fund's requests and the API's lists. One
user in five is a site manager instead (signed in with their second factor), who opens the
manager's worklist and the fund's approval queue. Users run in threads, with
no think time (a closed loop: this measures the server at saturation, not a typical morning),
until the time is up or the request budget is spent.
"""

import json
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.db.models import Count

from orienta.bench import followup_pages
from orienta.bench.client import Response, Session
from orienta.bench.stats import summary
from orienta.cases.models import Case
from orienta.core.models import Role, User
from orienta.people.models import Person
from orienta.referrals.models import Referral

REGISTRY_OPERATIONS = (
    "login_page",
    "day",
    "search",
    "person",
    "register_form",
    "visit_post",
    "api_search",
    "api_match",
)
FOLLOWUP_OPERATIONS = (
    "worklist",
    "case",
    "referrals",
    "referral",
    "directory",
    "fund_requests",
    "api_cases",
    "api_referrals",
    "api_fund_requests",
    "api_hsds_services",
)
MANAGER_OPERATIONS = ("manager_worklist", "fund_queue")
OPERATIONS = REGISTRY_OPERATIONS + FOLLOWUP_OPERATIONS + MANAGER_OPERATIONS
MANAGER_EVERY = 5  # one simulated user in five is a site manager
SAMPLE = 50  # cases and referrals each user opens
EXPECTED = {"visit_post": 302}
PERSONS_PER_USER = 200


@dataclass(frozen=True)
class UserPlan:
    username: str
    site_code: str
    person_ids: tuple[str, ...]
    family_name: str  # a common family name at the site
    identities: tuple[dict, ...]  # look-alike queries for the match API
    role: str = Role.AGENT
    case_ids: tuple[str, ...] = ()
    referral_ids: tuple[str, ...] = ()
    directory_q: str = ""

    @property
    def operations(self) -> tuple[str, ...]:
        if self.role == Role.MANAGER:
            return MANAGER_OPERATIONS
        ops = REGISTRY_OPERATIONS + (FOLLOWUP_OPERATIONS if self.case_ids else ())
        return tuple(op for op in ops if op != "referral" or self.referral_ids)


@dataclass
class LoadResult:
    users: int
    seconds: float
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0

    def record(self, op: str, response: Response | None, error: str = "") -> None:
        with self.lock:
            self.requests += 1
            if response is not None:
                self.samples[op].append(response.seconds * 1000)
                self.statuses[op][response.status] += 1
                if response.status != EXPECTED.get(op, 200):
                    self.errors.append(f"{op}: HTTP {response.status}")
            else:
                self.errors.append(f"{op}: {error}")

    def table(self) -> dict[str, dict]:
        out = {}
        for op in OPERATIONS:
            ms = self.samples.get(op, [])
            bad = sum(n for s, n in self.statuses[op].items() if s != EXPECTED.get(op, 200))
            out[op] = {"requests": len(ms), "errors": bad, **summary(ms)}
        return out


def plan_users(count: int, seed: int) -> list[UserPlan]:
    """`count` generated agents (agent-<site>-<n>): the first agent of every site, in code
    order, then the second ones, and so on."""
    rng = random.Random(f"{seed}:load")
    agents = User.objects.filter(role=Role.AGENT, username__regex=r"^agent-.+-[0-9]+$")
    by_rank: dict[int, list[User]] = defaultdict(list)
    for agent in agents.order_by("username"):
        by_rank[int(agent.username.rsplit("-", 1)[1])].append(agent)
    ordered = [a for rank in sorted(by_rank) for a in by_rank[rank]]
    if not ordered:
        raise RuntimeError("no generated agents: run `manage.py generate` first")
    managers = list(User.objects.filter(role=Role.MANAGER, username__startswith="manager-")
                    .order_by("username"))  # fmt: skip
    plans = []
    for i in range(count):
        if managers and Case.objects.exists() and i % MANAGER_EVERY == MANAGER_EVERY - 1:
            plans.append(_manager_plan(managers[(i // MANAGER_EVERY) % len(managers)]))
        else:
            plans.append(_user_plan(ordered[(i - i // MANAGER_EVERY) % len(ordered)], rng))
    return plans


def _manager_plan(manager: User) -> UserPlan:
    site = manager.sites.order_by("code").first()
    return UserPlan(manager.username, site.code, (), "", (), role=Role.MANAGER)


def _followup_ids(agent: User, site, rng: random.Random) -> dict:
    cases = list(Case.objects.visible_to(agent).filter(site=site).order_by("code")
                 .values_list("pk", flat=True))  # fmt: skip
    referrals = list(Referral.objects.visible_to(agent).filter(site=site).order_by("code")
                     .values_list("pk", flat=True))  # fmt: skip
    return {
        "case_ids": tuple(str(pk) for pk in rng.sample(cases, k=min(SAMPLE, len(cases)))),
        "referral_ids": tuple(
            str(pk) for pk in rng.sample(referrals, k=min(SAMPLE, len(referrals)))
        ),
        "directory_q": followup_pages.subject(site, agent)["directory_q"],
    }


def _user_plan(agent: User, rng: random.Random) -> UserPlan:
    site = agent.sites.get()
    ids = list(
        Person.objects.filter(site=site, merged_into__isnull=True)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    sample = rng.sample(ids, k=min(PERSONS_PER_USER, len(ids)))
    family = (
        Person.objects.filter(site=site)
        .values("family_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "family_name")
        .first()
    )
    identities = tuple(
        {
            "given_name": p.given_name,
            "family_name": p.family_name,
            "sex": p.sex,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "birth_date_estimated": p.birth_date_estimated,
            "phone": p.phone,
        }
        for p in Person.objects.filter(pk__in=sample[:20])
    )
    return UserPlan(
        agent.username,
        site.code,
        tuple(str(pk) for pk in sample),
        family["family_name"] if family else "A",
        identities,
        **_followup_ids(agent, site, rng),
    )


def _get(path_of):
    def op(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
        return session.get(path_of(plan, rng.choice(plan.person_ids)), headers=headers)

    return op


def _login_page(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
    return session.get("/login/", headers=headers, cookies=False)  # as a signed-out visitor


def _visit_post(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
    fields = {
        "site": plan.site_code,
        "channel": "walk_in",
        "themes": "civil_registration",
        "outcome": "informed",
        "notes": "",
        "occurred_at": "",
        "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
    }
    headers = headers | {"Content-Type": "application/x-www-form-urlencoded"}
    path = f"/visits/new/?person={rng.choice(plan.person_ids)}"
    return session.request("POST", path, body=urlencode(fields).encode(), headers=headers)


def _api_search(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
    headers = headers | {"Authorization": f"Bearer {session.token}"}
    path = f"/api/v1/persons?q={quote(plan.family_name)}"
    return session.request("GET", path, headers=headers, cookies=False)


def _api_match(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
    identity = rng.choice(plan.identities)
    headers = headers | {
        "Authorization": f"Bearer {session.token}",
        "Content-Type": "application/json",
    }
    body = json.dumps(identity).encode()
    return session.request(
        "POST", "/api/v1/persons/match", body=body, headers=headers, cookies=False
    )


def _page(path_of):
    def op(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
        return session.get(path_of(plan, rng), headers=headers)

    return op


def _api_list(path: str):
    def op(session: Session, plan: UserPlan, rng: random.Random, headers: dict) -> Response:
        headers = headers | {"Authorization": f"Bearer {session.token}"}
        return session.request("GET", path, headers=headers, cookies=False)

    return op


ACTIONS = {
    "login_page": _login_page,
    "day": _get(lambda plan, person: "/day/"),
    "search": _get(lambda plan, person: f"/people/?q={quote(plan.family_name)}"),
    "person": _get(lambda plan, person: f"/people/{person}/"),
    "register_form": _get(lambda plan, person: "/people/new/"),
    "visit_post": _visit_post,
    "api_search": _api_search,
    "api_match": _api_match,
    "worklist": _page(lambda plan, rng: "/worklist/"),
    "case": _page(lambda plan, rng: f"/cases/{rng.choice(plan.case_ids)}/"),
    "referrals": _page(lambda plan, rng: "/referrals/"),
    "referral": _page(lambda plan, rng: f"/referrals/{rng.choice(plan.referral_ids)}/"),
    "directory": _page(lambda plan, rng: f"/directory/?q={quote(plan.directory_q)}"),
    "fund_requests": _page(lambda plan, rng: "/fund/"),
    "api_cases": _api_list("/api/v1/cases"),
    "api_referrals": _api_list("/api/v1/referrals"),
    "api_fund_requests": _api_list("/api/v1/fund/requests"),
    "api_hsds_services": _api_list("/api/v1/hsds/services"),
    "manager_worklist": _page(lambda plan, rng: "/worklist/"),
    "fund_queue": _page(lambda plan, rng: "/fund/queue/"),
}


def perform(session: Session, plan: UserPlan, op: str, rng: random.Random) -> Response:
    return ACTIONS[op](session, plan, rng, {"X-Bench-Op": op})


def _log_in(base_url: str, plan: UserPlan, password: str, result: LoadResult) -> Session | None:
    session = Session(base_url)
    try:
        session.log_in(plan.username, password)
        if plan.role != Role.MANAGER:
            session.api_log_in(plan.username, password)
    except (RuntimeError, OSError) as exc:
        result.record("login", None, str(exc))
        return None
    return session


def _user_loop(
    session: Session, plan: UserPlan, result: LoadResult, deadline: float, budget: int, seed: int
) -> None:
    rng = random.Random(f"{seed}:{plan.username}")
    ops = list(plan.operations)
    while time.monotonic() < deadline and result.requests < budget:
        rng.shuffle(ops)
        for op in ops:
            if time.monotonic() >= deadline or result.requests >= budget:
                break
            try:
                result.record(op, perform(session, plan, op, rng))
            except OSError as exc:
                result.record(op, None, f"{type(exc).__name__}: {exc}")
                session.close()
    session.close()


def _in_threads(target, arguments: list[tuple], timeout: float) -> None:
    threads = [threading.Thread(target=target, args=args, daemon=True) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def run_load(
    base_url: str,
    plans: list[UserPlan],
    *,
    password: str,
    seconds: float,
    max_requests: int,
    seed: int = 1,
    on_start: Callable[[], None] | None = None,
) -> LoadResult:
    """Sign every user in (not timed), then run them together for `seconds`. `on_start` is
    called once everyone is signed in, just before the timed run: what the server spends on
    signing in (a password hash each) is not a request of the load."""
    result = LoadResult(users=len(plans), seconds=seconds)
    sessions: list[Session | None] = [None] * len(plans)

    def sign_in(i: int) -> None:
        sessions[i] = _log_in(base_url, plans[i], password, result)

    _in_threads(sign_in, [(i,) for i in range(len(plans))], timeout=300)
    result.requests = 0
    if on_start is not None:
        on_start()
    started = time.monotonic()
    deadline = started + seconds
    work = [
        (session, plan, result, deadline, max_requests, seed)
        for session, plan in zip(sessions, plans, strict=True)
        if session is not None
    ]
    _in_threads(_user_loop, work, timeout=seconds + 120)
    result.seconds = time.monotonic() - started
    return result

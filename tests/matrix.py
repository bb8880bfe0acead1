"""Every page of the access matrix, for the tests that look at all of them (languages, layout).

The matrices are `orienta/core/tests/test_access_matrix.py` (core, people, frontdesk, audit)
and each `orienta/<app>/tests/access.py`; a page is a GET route of one of them. Its objects come
from `scope()`, the union of the objects each matrix's own test builds ("in": site TD-NDJ1 in
Chad; "out": MZ-MPM1 in Mozambique), and `target(page, role)` says which of them the role may
open, if any, by the matrix's own expectations.
"""

from collections.abc import Callable
from dataclasses import dataclass

from orienta.cases.tests import access as cases
from orienta.core.tests import test_access_matrix as core
from orienta.directory.tests import access as directory
from orienta.families.tests import access as families
from orienta.fund.tests import access as fund
from orienta.imports.tests import access as imports
from orienta.networks.tests import access as networks
from orienta.outreach.tests import access as outreach
from orienta.partners.tests import access as partners
from orienta.referrals.tests import access as referrals
from orienta.referrals.tests.test_access import expect as referrals_expect
from orienta.reporting.tests import access_logframe as logframe
from orienta.sms.tests import access as sms
from orienta.webhooks.tests import access as webhooks

ROLES = [
    "anonymous",
    "agent_td",
    "agent_td2",
    "manager_td",
    "coordinator_td",
    "agent_mz",
    "coordinator_mz",
    "me_hq",
    "admin_user",
    "provider_user",
]


@dataclass(frozen=True)
class Page:
    name: str
    path: Callable[[dict], str]
    expect: Callable[[str, str], object]  # (role, target) -> "ok", "login" or a status
    no_object: bool


def _core_expect(kind):
    if kind == "read_list":  # a list: every reader gets it, the scope filters what it shows
        readers = core.READERS | {"agent_mz", "coordinator_mz"}
        return lambda role, target: "ok" if role in readers else 403
    return lambda role, target: core.expect(kind, role, target)


def pages() -> list[Page]:
    """Every GET route of every matrix (POST routes are actions, not pages)."""
    found = []
    for name, (kind, method, build) in core.ROUTES.items():
        if method == "get":
            found.append(Page(name, build, _core_expect(kind), name in core.NO_OBJECT))
    matrices = (
        (cases, lambda kind: lambda role, target: cases.expected(kind, role, target)),
        (directory, lambda kind: lambda role, target: directory.expect(kind, role, target)),
        (referrals, lambda kind: lambda role, target: referrals_expect(kind, role, target)),
        (fund, lambda kind: lambda role, target: fund.expect(kind, role, target)),
        (logframe, lambda kind: lambda role, target: logframe.expect(kind, role, target)),
        (families, lambda kind: lambda role, target: families.expect(kind, role, target)),
        (outreach, lambda kind: lambda role, target: outreach.expect(kind, role, target)),
        (webhooks, lambda kind: lambda role, target: webhooks.expect(kind, role, target)),
        (imports, lambda kind: lambda role, target: imports.expect(kind, role, target)),
        (networks, lambda kind: lambda role, target: networks.expect(kind, role, target)),
        (sms, lambda kind: lambda role, target: sms.expect(kind, role, target)),
    )
    for module, expectation in matrices:
        no_object = getattr(module, "NO_OBJECT", set())
        for name, (kind, method, build) in module.ROUTES.items():
            if method == "get":
                found.append(Page(name, build, expectation(kind), name in no_object))
    # Partner CSOs: their objects under "partners" (their names would clash with others').
    for name, (kind, method, build) in partners.ROUTES.items():
        if method == "get":
            path = (lambda b: lambda o: b(o["partners"]))(build)
            page_expect = (lambda k: lambda role, target: partners.expect(k, role, target))(kind)
            found.append(Page(name, path, page_expect, name in partners.NO_OBJECT))
    return sorted(found, key=lambda p: p.name)


def target(page: Page, role: str) -> str | None:
    """The scope whose objects `role` may open on `page`: "in", else "out", else None."""
    for where in ("in",) if page.no_object else ("in", "out"):
        if page.expect(role, where) == "ok":
            return where
    return None


def scope(world, users, persons, directory_objects, svcs, fund_td, fund_mz) -> dict:
    """The objects of every matrix, for "in" (TD-NDJ1) and "out" (MZ-MPM1)."""
    from orienta.cases.tests.test_access import _objects as case_objects
    from orienta.core.tests.test_access_matrix import _visit
    from orienta.families.tests.test_access import objects as family_objects
    from orienta.fund.tests.factories import make_fund_request
    from orienta.fund.tests.test_access import _paid
    from orienta.imports.tests.test_access import objects as import_objects
    from orienta.networks.tests.test_access import objects as network_objects
    from orienta.outreach.tests.test_access import objects as outreach_objects
    from orienta.partners.tests.factories import make_records as partner_records
    from orienta.referrals.services import link_for
    from orienta.referrals.tests.factories import make_referral
    from orienta.reporting.tests.logframe_fixtures import make_hand_value, make_logframe
    from orienta.webhooks.tests.test_access import objects as webhook_objects

    places = {
        "in": ("td", "person_td", "agent_td", "manager_td", world["provider_org"], fund_td),
        "out": ("mz", "person_mz", "agent_mz", "coordinator_mz", None, fund_mz),
    }
    objects = {}
    hand = make_logframe()["hand"]
    for where, (site, person_key, agent_key, payer_key, org, fund_objects) in places.items():
        person, agent = persons[person_key], users[agent_key]
        org = org or world["sites"][site].organisation
        referral = make_referral(person, svcs[site], agent)
        amount = 500 if where == "in" else "5.00"
        objects[where] = (
            case_objects(person, agent)
            | {
                "visit": _visit(person, agent),
                "service": directory_objects["health" if where == "in" else "legal"],
                "referral": referral,
                "token": link_for(referral=referral, by=agent).token,
                "org": org,
                "period": fund_objects["period"],
                "request": make_fund_request(person, agent, amount=amount, provider=org),
                "paid": _paid(
                    person, agent, users[payer_key], org, "300" if where == "in" else "3.50"
                ),
                "site": world["sites"][site],
                "value": make_hand_value(hand, world[site], users[f"coordinator_{site}"]),
            }
            | family_objects(person, agent, world[site], users["me_hq"])
        )
        # Community work's session, fair, training and participant (the "site" is the same).
        objects[where] |= {
            k: v
            for k, v in outreach_objects(world["sites"][site], agent, person).items()
            if k != "site"
        }
        # The integrations' subscription and DHIS2 push of the country (a public address).
        objects[where] |= webhook_objects(
            world[site], users[f"coordinator_{site}"], "https://93.184.215.14"
        )
        # An import uploaded by the "in" scope's manager, the "out" scope's agent.
        uploader = users["manager_td" if where == "in" else "agent_mz"]
        objects[where] |= import_objects(world["sites"][site], uploader)
        objects[where]["partners"] = partner_records(
            world["sites"][site].organisation, users[f"coordinator_{site}"]
        )
        # The networks' GTPS, library, support and diagnostic of the country.
        coordinator, cso = users[f"coordinator_{site}"], world[f"org_{site}"]
        objects[where] |= network_objects(coordinator, world[site], cso, world[f"area_{site}"])
    return objects

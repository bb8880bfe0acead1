"""A central server and a site node live on loopback, for the fund's conflicts and the slips
printed offline: an approval the central server could not cover is resolved through the fund's
own service (refused while the fund cannot cover it); a payment made at the node of such an
approval is never lost nor counted twice; the provider's link of a slip printed at the node
answers at the central server once the node has synced, and says "not known yet" before."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from orienta.directory.tests.factories import make_service
from orienta.fund.models import LedgerEntry, Payment
from orienta.fund.services import Refused, allocation_record, request_approve
from orienta.fund.services.ledger import account_position
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.referrals.models import Referral
from orienta.referrals.services import link_for
from orienta.sync import allowance, queries
from orienta.sync.models import Conflict
from orienta.sync.models import Node as NodeRow
from orienta.sync.services import SyncRefused, conflict_resolve, node_allowance_set

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fund(world, users):
    fund, _period = make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 10000)],
        days=3000,  # the node runs on the real date, the central server on the test clock's
    )
    return fund


APPROVE_OFFLINE = """
from orienta.core.models import User
from orienta.fund.models import FundRequest
from orienta.fund.services import request_approve
request = FundRequest.objects.get(code=CODE)
request_approve(fund_request=request, by=User.objects.get(username="manager_td"))
print(json.dumps({"status": FundRequest.objects.get(pk=request.pk).status}))
"""

PAY_OFFLINE = """
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from orienta.core.models import User
from orienta.fund.models import FundRequest
from orienta.fund.services import PaymentInput, payment_record
request = FundRequest.objects.get(code=CODE)
receipt = SimpleUploadedFile("recu.pdf", b"%PDF-1.4 recu 0042", content_type="application/pdf")
payment = payment_record(
    fund_request=request,
    by=User.objects.get(username="manager_td"),
    data=PaymentInput(method="cash", receipt_number="R-0042", receipt=receipt),
)
print(json.dumps({"status": FundRequest.objects.get(pk=request.pk).status,
                  "receipt": Path(payment.receipt.path).is_file()}))
"""

FUND_AT_NODE = """
from orienta.fund.models import Account, FundRequest, LedgerEntry, Payment
from orienta.fund.services.ledger import account_position
account = Account.objects.get()
print(json.dumps({"available": str(account_position(account).available),
                  "status": FundRequest.objects.get(code=CODE).status,
                  "entries": sorted(LedgerEntry.objects.filter(request__code=CODE)
                                    .values_list("kind", flat=True)),
                  "payments": Payment.objects.filter(request__code=CODE).count()}))
"""


def _conflict_made(node, users, persons, world, *, pay: bool):
    """A request of 2,000 approved at the node (and paid there if `pay`) within its allowance,
    while the administrator takes the allowance back and the central server spends 9,000 of
    the 10,000: the node's approval arrives when the fund can no longer cover it."""
    node_row = NodeRow.objects.get()
    node_allowance_set(node=node_row, amount="3000", by=users["admin_user"])
    request = make_fund_request(
        persons["person_td"], users["agent_td"], amount=2000, provider=world["provider_org"]
    )
    node.manage("sync")
    code = repr(request.code)
    assert node.run(APPROVE_OFFLINE.replace("CODE", code))["status"] == "approved"
    if pay:
        assert node.run(PAY_OFFLINE.replace("CODE", code)) == {"status": "paid", "receipt": True}
    node_allowance_set(node=node_row, amount="0", by=users["admin_user"])
    other = make_fund_request(
        persons["person_td"], users["agent_td"], amount=9000, provider=world["provider_org"]
    )
    request_approve(fund_request=other, by=users["coordinator_td"])
    done = node.manage("sync")
    assert "conflicts" in done.stdout and "0 rejected" in done.stdout, done.stdout
    request.refresh_from_db()
    return request, code


def test_taking_the_nodes_approval_goes_through_the_fund_and_is_refused_while_it_cannot_cover(
    node, world, users, persons, fund
):
    request, code = _conflict_made(node, users, persons, world, pay=False)
    conflict = Conflict.objects.get(record=str(request.pk), resolved_at=None)
    assert (conflict.field, conflict.node_value) == ("status", "approved")

    # The site's fund holds 1,000: the fund's own service refuses, in its words; nothing moves.
    with translation.override("en"), pytest.raises(SyncRefused, match="cannot cover") as exc:
        conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    assert "only 1" in exc.value.message and request.code.split("-")[0] in exc.value.message
    request.refresh_from_db()
    conflict.refresh_from_db()
    assert request.status == "requested" and conflict.resolved_at is None
    assert not LedgerEntry.objects.filter(request=request).exists()

    # The coordinator allocates more; the manager takes the node's value: approved and
    # committed by the fund's service, decided by the manager, and the node receives it.
    allocation_record(
        fund=fund,
        site=world["sites"]["td"],
        period=request.period,
        amount=2000,
        by=users["coordinator_td"],
    )
    conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", users["manager_td"])
    assert list(LedgerEntry.objects.filter(request=request).values_list("kind", flat=True)) == [
        "commitment"
    ]
    assert account_position(request.account).available == Decimal(1000)
    node.manage("sync")
    at_node = node.run(FUND_AT_NODE.replace("CODE", code))
    assert Decimal(at_node.pop("available")) == 1000
    assert at_node == {"status": "approved", "entries": ["commitment"], "payments": 0}


def test_a_payment_made_offline_of_an_approval_in_conflict_is_never_lost_nor_counted_twice(
    node, world, users, persons, fund, login
):
    request, code = _conflict_made(node, users, persons, world, pay=True)
    site = world["sites"]["td"]
    # One conflict, now "paid"; the payment's record is here, its ledger entry waits.
    conflict = Conflict.objects.get(record=str(request.pk))
    assert (conflict.node_value, conflict.resolved_at) == ("paid", None)
    assert request.status == "requested"
    assert Payment.objects.get(request=request).receipt_number == "R-0042"
    assert not LedgerEntry.objects.filter(request=request).exists()
    assert account_position(request.account).available == Decimal(1000)
    # The money has left the site's cash box: kept aside, so it cannot be spent again here...
    assert allowance.paid_at_site(site.pk) == Decimal(2000)
    small = make_fund_request(
        persons["person_td"], users["agent_td"], amount=500, provider=world["provider_org"]
    )
    with translation.override("en"), pytest.raises(Refused, match="was paid at the site"):
        request_approve(fund_request=small, by=users["coordinator_td"])
    # ... nor by the node, whose allowance cannot be raised from it.
    with pytest.raises(SyncRefused):
        node_allowance_set(node=NodeRow.objects.get(), amount="500", by=users["admin_user"])
    # The node has the request back awaiting approval, its payment's record, no movement.
    at_node = node.run(FUND_AT_NODE.replace("CODE", code))
    assert Decimal(at_node.pop("available")) == 1000
    assert at_node == {"status": "requested", "entries": [], "payments": 1}

    # The supervisor's screen says it was paid at the site, and how much.
    (line,) = [
        line
        for line in queries.conflict_lines(list(Conflict.objects.all()))
        if line.conflict.pk == conflict.pk
    ]
    assert line.paid_at_site.startswith("2") and "XAF" in line.paid_at_site
    page = login(users["manager_td"]).get("/sync/conflicts/")
    assert page.status_code == 200 and line.paid_at_site in page.content.decode()
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        words = gettext(
            "Already paid at the site: %(paid)s. The money has left the cash box: take the "
            "node's value once the site's fund can cover it."
        )
    assert words.split(":")[0] in page.content.decode()

    # Keeping the central server's value would lose the money: refused.
    with translation.override("en"), pytest.raises(SyncRefused, match="already paid at the site"):
        conflict_resolve(conflict=conflict, keep="server", by=users["manager_td"])
    # The node's value, while the fund cannot cover it: refused, nothing changes.
    with pytest.raises(SyncRefused):
        conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    request.refresh_from_db()
    assert request.status == "requested" and not LedgerEntry.objects.filter(request=request)

    allocation_record(
        fund=fund, site=site, period=request.period, amount=2000, by=users["coordinator_td"]
    )
    conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    request.refresh_from_db()
    assert request.status == "paid"
    kinds = sorted(LedgerEntry.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == ["commitment", "payment"]
    # 10,000 + 2,000 allocated, 9,000 committed, 2,000 paid once: 1,000 left, nothing held.
    position = account_position(request.account)
    assert (position.paid, position.available) == (Decimal(2000), Decimal(1000))
    assert allowance.paid_at_site(site.pk) == 0
    assert Payment.objects.filter(request=request).count() == 1
    node.manage("sync")
    at_node = node.run(FUND_AT_NODE.replace("CODE", code))
    assert Decimal(at_node.pop("available")) == 1000
    assert at_node == {"status": "paid", "entries": ["commitment", "payment"], "payments": 1}


SLIP_OFFLINE = """
from orienta.core.models import User
from orienta.directory.models import Service
from orienta.people.models import Person
from orienta.referrals.services import link_for
from orienta.referrals.slip import confirmation_url
from orienta.referrals.tests.factories import make_referral
agent = User.objects.get(username="agent_td")
person = Person.objects.get(given_name="Achta")
referral = make_referral(person, Service.objects.get(name="Consultation prénatale"), agent)
link = link_for(referral=referral, by=agent)
print(json.dumps({"code": referral.code, "url": confirmation_url(link.token)}))
"""


def test_the_link_of_a_slip_printed_offline_answers_at_the_central_server_once_synced(
    node, central, world, client
):
    make_service(world["provider_org"], name="Consultation prénatale")
    node.manage("sync")
    printed = node.run(SLIP_OFFLINE)
    # The slip carries the central server's address, not the laptop's.
    assert printed["url"].startswith(central + "/r/n."), printed["url"]
    path = printed["url"].removeprefix(central)

    before = client.get(path)
    assert before.status_code == 404
    with translation.override(before.wsgi_request.LANGUAGE_CODE):
        words = gettext(
            "This referral was recorded at a site working offline and has not reached the "
            "server yet. Nothing is wrong with the slip: try the link again later (usually "
            "within a day), or call the BIOSP that referred the person and give them the "
            "reference printed on the slip."
        )
    words = words.split(".")[0]  # its first sentence
    assert words in before.content.decode()
    # An address nobody made is still "not valid", not "not known yet".
    unknown = client.get("/r/not-a-token/")
    assert unknown.status_code == 404 and words not in unknown.content.decode()

    node.manage("sync")
    after = client.get(path)
    assert after.status_code == 200
    assert printed["code"] in after.content.decode()
    # Printed again here, the slip carries a link of the central server's, which answers too;
    # the one printed at the node still does.
    referral = Referral.objects.get(code=printed["code"])
    again = link_for(referral=referral, by=None)
    assert client.get(f"/r/{again.token}/").status_code == 200
    assert client.get(path).status_code == 200

"""A central server and a site node live on loopback, for what offline work must not break: codes
made on both sides in the same days never collide; the node approves only within its allowance
and the site's fund is never overspent; the count-and-hash check finds a corrupted side and
repairs it; a cut in the middle of a pull and a clock hours late lose nothing; a wipe erases
the node."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from orienta.cases.models import Case
from orienta.cases.services import case_open
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.fund.models import FundRequest
from orienta.fund.services import request_approve
from orienta.fund.services.ledger import account_position
from orienta.fund.tests.factories import make_fund, make_fund_request
from orienta.people.models import Person
from orienta.people.services import person_register, person_update
from orienta.referrals.models import Referral
from orienta.referrals.tests.factories import make_referral
from orienta.sync import capture
from orienta.sync.models import Change, Conflict
from orienta.sync.models import Node as NodeRow
from orienta.sync.services import node_allowance_set, node_revoke
from orienta.sync.tests.node import Node
from orienta.sync.tests.test_two_instances import SNAPSHOT, central_snapshot

pytestmark = pytest.mark.django_db(transaction=True)

PERSON = {"sex": "female", "migration_status": "national", "documents": []}


@pytest.fixture
def fund(world, users):
    fund, period = make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 10000)],
        days=3000,  # the node runs on the real date, the central server on the test clock's
    )
    return fund


@pytest.fixture
def service(world):
    return make_service(world["provider_org"], name="Consultation prénatale")


OFFLINE = """
from orienta.core.models import Site, User, Theme, Organisation
from orienta.people.services import person_register
from orienta.cases.services import case_open
from orienta.directory.models import Service
from orienta.referrals.tests.factories import make_referral
from orienta.fund.tests.factories import make_fund_request
from orienta.fund.services import request_approve
from orienta.lib.errors import Refused

site = Site.objects.get(code="TD-NDJ1")
agent = User.objects.get(username="agent_td")
manager = User.objects.get(username="manager_td")
themes = list(Theme.objects.filter(code__in=["health"]))
base = {"sex": "female", "migration_status": "national", "documents": []}
person = person_register(site=site, by=agent, data=base | {"given_name": "Zara",
                                                           "family_name": "Abakar"})
case = case_open(person=person, by=agent, needs=themes, risk="low", assessment="Sans papiers")
service = Service.objects.get(name="Consultation prénatale")
referral = make_referral(person, service, agent)
provider = Organisation.objects.get(pk=service.organisation_id)
made = [make_fund_request(person, agent, amount=amount, provider=provider)
        for amount in (1000, 1500, 1800)]
request_approve(fund_request=made[0], by=manager)
request_approve(fund_request=made[1], by=manager)
from django.utils import translation
try:
    with translation.override("en"):
        request_approve(fund_request=made[2], by=manager)
    refused = ""
except Refused as exc:
    refused = exc.message
from orienta.sync.queries import node_status
print(json.dumps({"person": person.code, "case": case.code, "referral": referral.code,
                  "requests": [r.code for r in made], "refused": refused,
                  "left": str(node_status().allowance_left)}))
"""


def central_work(world, users, persons, service):
    agent = users["agent_td"]
    site = world["sites"]["td"]
    person = person_register(
        site=site, by=agent, data=PERSON | {"given_name": "Hawa", "family_name": "Brahim"}
    )
    themes = list(Theme.objects.filter(code__in=["health"]))
    case = case_open(person=person, by=agent, needs=themes, risk="low", assessment="Sans papiers")
    referral = make_referral(person, service, agent)
    request = make_fund_request(person, agent, amount=5000, provider=service.organisation)
    request_approve(fund_request=request, by=users["coordinator_td"])
    return {"person": person, "case": case, "referral": referral, "request": request}


def test_codes_made_on_both_sides_in_the_same_days_never_collide_and_approvals_stay_within(
    node, world, users, persons, fund, service
):
    node_allowance_set(node=NodeRow.objects.get(), amount="3000", by=users["admin_user"])
    node.manage("sync")  # the node learns its allowance, the fund, the service
    made = node.run(OFFLINE)
    at_central = central_work(world, users, persons, service)

    # Each kind of code carries the node's part, or its block for referral references.
    assert made["person"].startswith("TD-NDJ1-N1-")
    assert made["case"].startswith("TD-NDJ1-N1-C")
    assert all(code.startswith("TD-NDJ1-N1-F") for code in made["requests"])
    assert made["referral"].startswith("Z") and not at_central["referral"].code.startswith("Z")
    # The third approval was beyond the allowance: refused, with what is left, and it waits.
    assert "may approve 500" in made["refused"] and "until it syncs" in made["refused"]
    assert Decimal(made["left"]) == 500

    done = node.manage("sync")
    assert "0 conflicts, 0 rejected" in done.stdout, done.stdout
    site = world["sites"]["td"]
    codes = {
        "person": list(Person.objects.filter(site=site).values_list("code", flat=True)),
        "case": list(Case.objects.filter(site=site).values_list("code", flat=True)),
        "referral": list(Referral.objects.filter(site=site).values_list("code", flat=True)),
        "request": list(FundRequest.objects.filter(site=site).values_list("code", flat=True)),
    }
    for kind, values in codes.items():
        assert len(values) == len(set(values)), kind
    assert made["person"] in codes["person"] and at_central["person"].code in codes["person"]
    assert made["referral"] in codes["referral"]
    assert set(made["requests"]) < set(codes["request"])
    assert at_central["request"].code in codes["request"]
    # The two approvals made offline are the central server's: the fund is not overspent.
    approved = FundRequest.objects.filter(code__in=made["requests"], status="approved")
    assert approved.count() == 2
    available = account_position(at_central["request"].account).available
    assert available == Decimal(10000 - 5000 - 1000 - 1500)
    snap = node.run(SNAPSHOT)
    assert snap["ids"] == central_snapshot(site) and snap["outbox"] == 0


APPROVE_OFFLINE = """
from orienta.core.models import User
from orienta.fund.models import FundRequest
from orienta.fund.services import request_approve
request = FundRequest.objects.get(code=CODE)
request_approve(fund_request=request, by=User.objects.get(username="manager_td"))
print(json.dumps({"status": FundRequest.objects.get(pk=request.pk).status}))
"""

FUND_AT_NODE = """
from orienta.fund.models import Account, FundRequest, LedgerEntry
from orienta.fund.services.ledger import account_position
from orienta.sync.queries import node_status
account = Account.objects.get()
print(json.dumps({"available": str(account_position(account).available),
                  "status": FundRequest.objects.get(code=CODE).status,
                  "commitments": LedgerEntry.objects.filter(request__code=CODE).count(),
                  "left": str(node_status().allowance_left)}))
"""


def test_an_offline_approval_the_fund_can_no_longer_cover_is_a_conflict_never_an_overspend(
    node, world, users, persons, fund, service
):
    node_id = NodeRow.objects.get()
    node_allowance_set(node=node_id, amount="3000", by=users["admin_user"])
    request = make_fund_request(
        persons["person_td"], users["agent_td"], amount=2000, provider=world["provider_org"]
    )
    node.manage("sync")
    code = repr(request.code)
    assert node.run(APPROVE_OFFLINE.replace("CODE", code))["status"] == "approved"
    # Meanwhile the administrator takes the allowance back and the central server spends.
    node_allowance_set(node=node_id, amount="0", by=users["admin_user"])
    other = make_fund_request(
        persons["person_td"], users["agent_td"], amount=9000, provider=world["provider_org"]
    )
    request_approve(fund_request=other, by=users["coordinator_td"])

    done = node.manage("sync")
    assert "1 conflicts" in done.stdout or "2 conflicts" in done.stdout, done.stdout
    request.refresh_from_db()
    assert request.status == "requested"
    assert account_position(request.account).available == Decimal(1000)
    conflict = Conflict.objects.get(record=str(request.pk))
    assert (conflict.field, conflict.node_value) == ("status", "approved")
    # The node has the request back awaiting approval, its commitment gone, nothing left.
    at_node = node.run(FUND_AT_NODE.replace("CODE", code))
    assert Decimal(at_node.pop("available")) == 1000
    assert at_node == {"status": "requested", "commitments": 0, "left": "None"}


CORRUPT = """
from orienta.people.models import Person
from orienta.sync import capture
with capture.applying():
    Person.objects.filter(given_name="Achta").update(version=42, locality="Ailleurs")
print(json.dumps({"version": Person.objects.get(given_name="Achta").version}))
"""

PERSON_AT_NODE = """
from orienta.people.models import Person
from orienta.sync.models import NodeState
p = Person.objects.get(given_name="Achta")
state = NodeState.objects.get()
print(json.dumps({"version": p.version, "locality": p.locality, "phone": p.phone,
                  "mismatch": state.mismatch, "repaired": state.repaired}))
"""


def test_the_count_and_hash_check_finds_a_corrupted_side_and_pulls_it_again(node, persons):
    known = persons["person_td"]
    # The node's copy is damaged (written behind the journal's back).
    assert node.run(CORRUPT)["version"] == 42
    done = node.manage("sync", "--check")
    assert done.returncode == 0
    fixed = node.run(PERSON_AT_NODE)
    assert fixed["repaired"] == ["people.Person"] and fixed["mismatch"] == []
    assert (fixed["version"], fixed["locality"]) == (known.version, known.locality)
    status = node.manage("sync_status").stdout
    assert "counts and hashes agree" in status

    # The central server's row changed behind the journal: found too; the node takes it.
    Person.objects.filter(pk=known.pk).update(phone="+23566999999", version=7)
    node.manage("sync", "--check")
    fixed = node.run(PERSON_AT_NODE)
    assert (fixed["version"], fixed["phone"]) == (7, "+23566999999")
    assert NodeRow.objects.get().mismatch == []
    assert NodeRow.objects.get().checked_at is not None


CUT_IN_PULL = """
from orienta.sync import client
from orienta.sync.models import NodeState, Quarantine
from orienta.people.models import Person

class Cut(Exception):
    pass

def cut(step):
    if step == "pull":
        raise Cut  # the link (or the laptop) goes down while the pull is being applied

before = NodeState.objects.get().cursor
try:
    client.sync(cut=cut)
except Cut:
    pass
after_cut = {"persons": Person.objects.count(), "cursor": NodeState.objects.get().cursor}
client.sync()
print(json.dumps({"before": before, "after_cut": after_cut,
                  "persons": sorted(Person.objects.values_list("given_name", flat=True)),
                  "quarantined": Quarantine.objects.count()}))
"""


def test_a_cut_in_the_middle_of_a_pull_leaves_nothing_half_applied(node, world, users):
    for name in ("Amina", "Bichara", "Clarisse", "Djimet"):
        person_register(
            site=world["sites"]["td"],
            by=users["agent_td"],
            data=PERSON | {"given_name": name, "family_name": "Oumar"},
        )
    result = node.run(CUT_IN_PULL)
    assert result["after_cut"] == {"persons": 1, "cursor": result["before"]}
    assert result["persons"] == ["Achta", "Amina", "Bichara", "Clarisse", "Djimet"]
    assert result["quarantined"] == 0


PULL_THEN_LATE_CLOCK = """
import time
from orienta.sync import client
client.sync()
from orienta.sync.models import NodeState
print(json.dumps({"received": NodeState.objects.get().hlc}))
"""

EDIT_WITH_LATE_CLOCK = """
import time
real = time.time
time.time = lambda: real() - 5 * 3600  # the laptop's clock is five hours late
from orienta.core.models import User
from orienta.people.models import Person
from orienta.people.services import person_update
from orienta.sync import client
from orienta.sync.models import Change
known = Person.objects.get(given_name="Achta")
person_update(person=known, data={"locality": "Moursal"}, expected_version=known.version,
              by=User.objects.get(username="agent_td"))
stamp = Change.objects.filter(model="people.Person", ack="").order_by("-id").first().hlc
client.sync()
print(json.dumps({"stamp": stamp, "outbox": Change.objects.filter(ack="").count()}))
"""


def test_a_clock_hours_late_keeps_the_order_and_loses_nothing(node, persons, users):
    known = persons["person_td"]
    person_update(
        person=known, data={"phone": "+23566000777"}, expected_version=1, by=users["agent_td"]
    )
    received = node.run(PULL_THEN_LATE_CLOCK)["received"]
    # Another process (the laptop restarted), its clock five hours late.
    edited = node.run(EDIT_WITH_LATE_CLOCK)
    assert edited["stamp"] > received
    assert edited["outbox"] == 0
    fresh = Person.objects.get(pk=known.pk)
    assert (fresh.phone, fresh.locality) == ("+23566000777", "Moursal")
    assert not Conflict.objects.exists()


AFTER_WIPE = """
from django.apps import apps
from orienta.sync.models import Change, NodeState
state = NodeState.objects.get()
rows = sum(apps.get_model(label)._base_manager.count()
           for label in ("people.Person", "core.User", "core.Site", "fund.FundRequest"))
print(json.dumps({"rows": rows, "journal": Change.objects.count(),
                  "wiped": state.wiped_at is not None, "token": state.token}))
"""


FILES_AT_NODE = """
from django.core.files.base import ContentFile
from orienta.fund.models import Payment
field = Payment._meta.get_field("receipt")
receipt = field.storage.save("fund/receipts/2026/03/recu-0042.pdf", ContentFile(b"%PDF recu"))
export = field.storage.save("exports/old.sealed", ContentFile(b"sealed"))
print(json.dumps([field.storage.path(receipt), field.storage.path(export)]))
"""


def test_a_wipe_ordered_for_a_revoked_node_erases_it_at_its_next_contact(node, users):
    # Files the node keeps on disk: a fund receipt, an export.
    files = node.run(FILES_AT_NODE)
    assert all(Path(name).is_file() for name in files)
    assert all(Path(name).is_relative_to(node.media) for name in files)
    assert b"Achta" in node.path.read_bytes()
    node_revoke(node=NodeRow.objects.get(), by=users["admin_user"], wipe=True)
    done = node.manage("sync", check=False)
    assert done.returncode == 3, done.stderr
    assert "erased" in done.stderr
    assert node.run(AFTER_WIPE) == {"rows": 0, "journal": 0, "wiped": True, "token": ""}
    # The files are gone, and so are the erased rows from the database file's free pages.
    assert not any(Path(name).exists() for name in files)
    assert list(node.media.iterdir()) == []
    for path in node.path.parent.glob(node.path.name + "*"):
        assert b"Achta" not in path.read_bytes(), path
    status = node.manage("sync_status").stdout
    assert "wiped: yes" in status
    assert NodeRow.objects.get().wiped_at is not None
    # Asked again, it says the same without contacting anyone.
    assert node.manage("sync", check=False).returncode == 3


FIRST_SYNC_SMALL_BATCHES = """
from orienta.directory.models import Service
from orienta.sync.client import sync
from orienta.sync.models import NodeState
from orienta.sync.wire import MIN_BATCH_BYTES
outcome = sync(max_bytes=MIN_BATCH_BYTES)
service = Service.objects.get(name="Aide juridique")
print(json.dumps({"rounds": outcome.rounds, "themes": [t.code for t in service.themes.all()],
                  "cursor": NodeState.objects.get().cursor}))
"""


def test_a_first_sync_in_small_batches_waits_for_parents_journaled_after_their_children(
    tmp_path, central, world, users
):
    # A record made without a journal entry (as migrations seed countries and themes) that a
    # journaled record refers to: enrolment journals it last, after the records using it.
    with capture.applying():
        theme = Theme.objects.create(
            code="legal-aid", name_fr="Aide juridique", name_pt="Apoio jurídico", name_en="Legal"
        )
    service = make_service(world["provider_org"], name="Aide juridique")
    service.themes.add(theme)
    # Enough records between the two for several batches of the smallest size.
    for i in range(150):
        person_register(
            site=world["sites"]["td"],
            by=users["agent_td"],
            data=PERSON | {"given_name": f"Prénom{i:03d}", "family_name": f"Famille{i * 7919}"},
        )
    out = StringIO()
    call_command("sync_node_create", "--site", "TD-NDJ1", stdout=out)
    code = out.getvalue().strip().rsplit(": ", 1)[1]
    last = Change.objects.filter(model="core.Theme", record="legal-aid").get().seq
    changes = Change.objects.filter(model="directory.Service", record=str(service.pk))
    assert last > max(changes.values_list("seq", flat=True))
    node = Node(tmp_path / "node.sqlite3")
    node.manage("sync_enrol", "--central", central, "--code", code)
    done = node.run(FIRST_SYNC_SMALL_BATCHES)
    assert done["rounds"] > 2 and done["cursor"] >= last
    assert done["themes"] == ["legal-aid"]

"""A central server and a site node, two live instances on loopback: days of offline work at
the node sync completely, the node holds nothing of other sites, concurrent edits merge or
become a conflict a supervisor resolves, and a cut after the server applied a batch converges.
"""

import pytest

from orienta.cases.models import Case
from orienta.frontdesk.models import Visit
from orienta.people.models import Person
from orienta.people.services import person_register, person_update
from orienta.sync import classification
from orienta.sync.models import Change, Conflict
from orienta.sync.models import Node as NodeRow
from orienta.sync.services import conflict_resolve

pytestmark = pytest.mark.django_db(transaction=True)

OFFLINE_WORK = """
import datetime
from django.utils import timezone
from orienta.core.models import Site, User, Theme
from orienta.people.models import Person
from orienta.people.services import person_register, person_update, household_create
from orienta.frontdesk.services import visit_record
from orienta.cases.services import case_open, case_followup_record

site = Site.objects.get(code="TD-NDJ1")
agent = User.objects.get(username="agent_td")
themes = list(Theme.objects.filter(code__in=["health", "education"]))
made = []
names = [("Zara", "Abakar"), ("Moussa", "Idriss"), ("Kaltouma", "Oumar")]
for day, (given, family) in enumerate(names):
    when = timezone.now() - datetime.timedelta(days=3 - day)
    person = person_register(site=site, by=agent, data={
        "given_name": given, "family_name": family, "sex": "female", "migration_status": "national",
        "documents": [], "birth_date": datetime.date(1990 + day, 1, 2)})
    visit_record(site=site, by=agent, person=person, data={
        "occurred_at": when, "channel": "walk_in", "outcome": "informed", "themes": themes})
    made.append(person.code)
first = Person.objects.get(code=made[0])
household_create(head=first, by=agent, locality="Chagoua")
case = case_open(person=first, by=agent, needs=themes, risk="medium", assessment="Sans papiers")
case_followup_record(case=case, by=agent, kind="phone", notes="Appel")
known = Person.objects.get(given_name="Achta")
person_update(person=known, data={"phone": "+23566000001", "locality": "Chagoua"},
              expected_version=known.version, by=agent)
print(json.dumps({"codes": made, "case": case.code}))
"""

SNAPSHOT = """
from django.apps import apps
from orienta.sync import classification
from orienta.sync.models import NodeState
state = NodeState.objects.get()
site_models = [m for m in classification.synced_models()
               if classification.rule_for(m).kind == "site"]
ids = {}
foreign = 0
for model in site_models:
    rule = classification.rule_for(model)
    rows = list(model._base_manager.all())
    for row in rows:
        site = row
        for part in rule.site_path.split("."):
            site = getattr(site, part)
        if str(site) != str(state.site_id):
            foreign += 1
    ids[model._meta.label] = sorted(str(r.pk) for r in rows)
from orienta.people.models import Person
persons = {p.code: [p.phone, p.locality, p.given_name] for p in Person.objects.all()}
from orienta.sync.models import Change
print(json.dumps({"ids": ids, "foreign": foreign, "persons": persons,
                  "outbox": Change.objects.filter(ack="").count(),
                  "acks": sorted(Change.objects.values_list("ack", flat=True))}))
"""


def central_snapshot(site):
    """The ids of the site's records at the central server, by model."""
    ids = {}
    for model in classification.synced_models():
        rule = classification.rule_for(model)
        if rule.kind != "site":
            continue
        lookup = rule.site_path.replace(".", "__").removesuffix("_id")
        rows = model._base_manager.filter(**{lookup: site})
        ids[model._meta.label] = sorted(str(pk) for pk in rows.values_list("pk", flat=True))
    return ids


def test_offline_days_sync_completely_and_the_node_holds_only_its_site(node, world, users, persons):
    site = world["sites"]["td"]
    # The first pull brought the site's records and none of another site's.
    snap = node.run(SNAPSHOT)
    assert snap["foreign"] == 0
    assert snap["ids"]["people.Person"] == [str(persons["person_td"].pk)]

    # Offline at the node: three registrations with a visit each, a household, a case with a
    # follow-up, an edit of a known person (phone and locality).
    made = node.run(OFFLINE_WORK)
    assert all(code.startswith("TD-NDJ1-N1-") for code in made["codes"])
    assert made["case"].startswith("TD-NDJ1-N1-C")
    # Meanwhile at the central server: a registration at the same site, and an edit of the same
    # person: its phone too (a conflict) and its other phone (merges).
    agent = users["agent_td"]
    central_person = person_register(
        site=site,
        by=agent,
        data={
            "given_name": "Hawa",
            "family_name": "Brahim",
            "sex": "female",
            "migration_status": "national",
            "documents": [],
        },
    )
    known = persons["person_td"]
    person_update(
        person=known,
        data={"phone": "+23566000002", "phone_alt": "+23599000000"},
        expected_version=1,
        by=agent,
    )

    done = node.manage("sync")
    assert done.returncode == 0 and "complete" in done.stdout

    # Everything made offline is at the central server, with the node's codes.
    for code in made["codes"]:
        assert Person.objects.filter(code=code, site=site).exists()
    assert Visit.objects.filter(site=site, person__code__in=made["codes"]).count() == 3
    assert Case.objects.get(code=made["case"]).followups.count() == 1
    # Different fields merged; the same field kept the server's value and made a conflict.
    fresh = Person.objects.get(pk=known.pk)
    assert (fresh.phone, fresh.locality, fresh.phone_alt) == (
        "+23566000002",
        "Chagoua",
        "+23599000000",
    )
    conflict = Conflict.objects.get()
    assert (conflict.field, conflict.node_value) == ("phone", "+23566000001")

    # Both sides hold the same records of the site; the node nothing of other sites.
    snap = node.run(SNAPSHOT)
    assert snap["foreign"] == 0 and snap["outbox"] == 0
    assert snap["ids"] == central_snapshot(site)
    assert snap["persons"][known.code] == ["+23566000002", "Chagoua", "Achta"]
    assert central_person.code in snap["persons"]

    # The supervisor takes the node's phone: the node receives it at its next sync.
    conflict_resolve(conflict=conflict, keep="node", by=users["manager_td"])
    node.manage("sync")
    assert node.run(SNAPSHOT)["persons"][known.code][0] == "+23566000001"


CUT_AFTER = """
from orienta.sync import client
from orienta.people.models import Person
from orienta.people.services import person_update
from orienta.core.models import User
known = Person.objects.get(given_name="Achta")
person_update(person=known, data={"locality": "Moursal"}, expected_version=known.version,
              by=User.objects.get(username="agent_td"))

class Cut(Exception):
    pass

def cut(step):
    if step == "after":
        raise Cut  # the server applied the batch; the node never reads the answer

try:
    client.sync(cut=cut)
except Cut:
    pass
from orienta.sync.models import Change
waiting = Change.objects.filter(ack="")
print(json.dumps({"outbox": waiting.count(),
                  "batches": len({str(c.batch) for c in waiting})}))
"""


def test_a_cut_after_the_server_applied_a_batch_converges(node, persons):
    known = persons["person_td"]
    state = node.run(CUT_AFTER)
    # Not acknowledged at the node: the person's change and its event, in one batch.
    assert state["outbox"] == 2 and state["batches"] == 1
    # The central server applied it once already.
    assert Person.objects.get(pk=known.pk).locality == "Moursal"
    versions = Person.objects.get(pk=known.pk).version
    node.manage("sync")  # sends the same batch again: the stored answer, nothing applied twice
    assert Person.objects.get(pk=known.pk).version == versions
    assert (
        Change.objects.filter(
            model="people.Person", record=str(known.pk), origin__isnull=False
        ).count()
        == 1
    )
    snap = node.run(SNAPSHOT)
    assert snap["outbox"] == 0 and "applied" in snap["acks"]


def test_a_revoked_node_is_refused_and_stops(node, users):
    from orienta.sync.services import node_revoke

    node_revoke(node=NodeRow.objects.get(), by=users["admin_user"])
    done = node.manage("sync", check=False)
    assert done.returncode != 0 and "revoked" in done.stderr.lower()
    status = node.manage("sync_status").stdout
    assert "stopped: yes" in status


EDIT_LOCALITY = """
from orienta.core.models import User
from orienta.people.models import Person
from orienta.people.services import person_update
known = Person.objects.get(given_name="Achta")
person_update(person=known, data={"locality": "Moursal"}, expected_version=known.version,
              by=User.objects.get(username="agent_td"))
print(json.dumps({"version": Person.objects.get(pk=known.pk).version}))
"""


def test_a_central_server_older_than_the_node_is_spoken_to_in_protocol_1(
    node, persons, monkeypatch
):
    """A node newer than its central server (installed from a later release) is answered 426
    to protocol 2, speaks protocol 1 instead and syncs."""
    from orienta.sync import exchange

    monkeypatch.setattr(exchange, "PROTOCOLS", (1,))
    node.run(EDIT_LOCALITY)
    done = node.manage("sync")
    assert done.returncode == 0 and "complete" in done.stdout
    assert Person.objects.get(pk=persons["person_td"].pk).locality == "Moursal"

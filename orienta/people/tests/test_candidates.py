"""The duplicate search reads the match keys of the user's scope only, and finds across it."""

import datetime

from orienta.core.services import api_token_issue
from orienta.people.models import Person, PersonMatchKey
from orienta.people.queries import person_candidates
from orienta.people.services import person_merge, person_register

ACHTA = {
    "given_name": "Achta",
    "family_name": "Mahamat",
    "birth_date": datetime.date(1990, 5, 4),
    "sex": "female",
}


def _found(user, data):
    return [p.code for p, _result in person_candidates(user, data)]


def test_match_keys_carry_the_persons_site(persons):
    for person in persons.values():
        sites = set(PersonMatchKey.objects.filter(person=person).values_list("site", flat=True))
        assert sites == {person.site_id}


def test_each_role_finds_look_alikes_in_its_own_scope_only(persons, users, world):
    # The same woman registered again at the second Chadian site, and in Mozambique.
    base = {"migration_status": "national", "documents": []} | ACHTA
    td2 = person_register(site=world["sites"]["td2"], by=users["agent_td2"], data=base)
    mz = person_register(site=world["sites"]["mz"], by=users["agent_mz"], data=base)
    td = persons["person_td"].code

    assert _found(users["agent_td"], ACHTA) == [td]
    assert _found(users["agent_td2"], ACHTA) == [td2.code]
    assert _found(users["agent_mz"], ACHTA) == [mz.code]
    assert sorted(_found(users["coordinator_td"], ACHTA)) == sorted([td, td2.code])
    for outsider in ("me_hq", "admin_user", "provider_user"):
        assert _found(users[outsider], ACHTA) == []


def test_a_merged_record_is_no_longer_a_candidate(persons, users, world):
    base = {"migration_status": "national", "documents": []} | ACHTA
    second = person_register(site=world["sites"]["td"], by=users["agent_td"], data=base)
    assert len(_found(users["agent_td"], ACHTA)) == 2

    person_merge(survivor=persons["person_td"], merged=second, by=users["manager_td"])

    assert Person.objects.get(pk=second.pk).merged_into_id == persons["person_td"].pk
    assert _found(users["agent_td"], ACHTA) == [persons["person_td"].code]


def test_rebuilding_the_keys_restores_them_and_leaves_merged_records_none(persons, users, world):
    from orienta.people.services import match_keys_rebuild, person_match_keys

    base = {"migration_status": "national", "documents": []} | ACHTA
    second = person_register(site=world["sites"]["td"], by=users["agent_td"], data=base)
    person_merge(survivor=persons["person_td"], merged=second, by=users["manager_td"])
    PersonMatchKey.objects.filter(person=persons["person_mz"]).delete()
    PersonMatchKey.objects.create(person=second, site=second.site, key="n:stale")

    assert match_keys_rebuild(batch=2) == Person.objects.filter(merged_into__isnull=True).count()

    for person in persons.values():
        rows = PersonMatchKey.objects.filter(person=person)
        assert sorted(rows.values_list("key", flat=True)) == person_match_keys(person)
        assert set(rows.values_list("site", flat=True)) == {person.site_id}
    assert not PersonMatchKey.objects.filter(person=second).exists()
    assert _found(users["agent_mz"], {"given_name": "Joana", "family_name": "Macuacua"})


def test_an_api_list_counts_its_results_once(persons, users, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = api_token_issue(user=users["agent_td"])[0]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            "/api/v1/persons?q=Achta", headers={"authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200 and response.json()["count"] == 1
    counts = [q for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1

import datetime

import pytest
from django.utils import timezone

from orienta.core.models import Role
from orienta.people.models import MatchDecision, Person
from orienta.people.services import household_create, person_merge, person_register

NEW = {
    "given_name": "Zara",
    "family_name": "Okoye",
    "sex": "female",
    "birth_date": "1995-02-03",
    "phone": "66 22 33 44",
}
LOOK_ALIKE = {
    "given_name": "Acheta",
    "family_name": "Mahamat",
    "sex": "female",
    "birth_date": "1990-05-04",
}


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(p["code"] for p in response.json()["items"])


# Reading


def test_list_shows_only_persons_in_scope(api, users, persons):
    assert codes(api(users["agent_td"]).get("/persons")) == [persons["person_td"].code]
    assert codes(api(users["coordinator_td"]).get("/persons")) == sorted(
        [persons["person_td"].code, persons["person_td2"].code]
    )
    assert codes(api(users["agent_mz"]).get("/persons")) == [persons["person_mz"].code]


@pytest.mark.parametrize("role", ["me_hq", "admin_user", "provider_user"])
def test_roles_without_personal_data_list_no_person(api, users, persons, role):
    assert api(users[role]).get("/persons").json() == {"items": [], "count": 0}


def test_search_finds_a_spelling_variant_in_scope_only(api, users, persons):
    person_register(
        site=persons["person_mz"].site,
        by=users["agent_mz"],
        data={"given_name": "Achta", "family_name": "Mahamat", "sex": "female"},
    )

    found = api(users["agent_td"]).get("/persons", q="Acheta")

    assert codes(found) == [persons["person_td"].code]


def test_search_by_phone(api, users, persons):
    assert codes(api(users["agent_td"]).get("/persons", q="66 12 34 56")) == [
        persons["person_td"].code
    ]


def test_list_is_paginated_by_page_number(api, users, world):
    for i in range(3):
        person_register(
            site=world["sites"]["td"],
            by=users["agent_td"],
            data={"given_name": "Amina", "family_name": f"Test{'abc'[i]}", "sex": "female"},
        )
    client = api(users["agent_td"])

    first = client.get("/persons", page=1, page_size=2).json()
    second = client.get("/persons", page=2, page_size=2).json()

    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1


def test_list_reads_in_a_fixed_number_of_queries(api, users, world, django_assert_max_num_queries):
    site = world["sites"]["td"]
    for i in range(12):
        person = person_register(
            site=site,
            by=users["agent_td"],
            data={
                "given_name": "Amina",
                "family_name": f"Lot{chr(97 + i)}",
                "sex": "female",
                "area": world["area_td"],
            },
        )
        if i % 2:
            household_create(head=person, by=users["agent_td"])
    client = api(users["agent_td"])

    # 5, the user's running break-the-glass accesses (read once, for the masking), and the
    # access log's entry for the search: its count, then one SELECT and one INSERT.
    with django_assert_max_num_queries(9):
        response = client.get("/persons")

    items = response.json()["items"]
    assert len(items) == 12
    assert sum(1 for p in items if p["household"]) == 6
    assert {p["area"] for p in items} == {"TD-ND"}


def test_a_person_reads_with_every_documented_field(api, users, persons):
    person = persons["person_td"]
    household = household_create(head=person, by=users["agent_td"])

    body = api(users["agent_td"]).get(f"/persons/{person.pk}").json()

    assert body["id"] == str(person.pk)
    assert body["code"] == person.code
    assert body["site"] == "TD-NDJ1"
    assert body["household"] == household.code
    assert body["birth_date"] == "1990-05-04"
    assert body["phone"] == "+23566123456"
    assert body["disability_status"] == "unknown"
    assert body["version"] == 1
    for field in (
        "given_name",
        "family_name",
        "other_names",
        "sex",
        "birth_date_estimated",
        "phone_alt",
        "locality",
        "migration_status",
        "nationality",
        "documents",
        "education",
        "occupation",
        "consent_processing",
        "consent_sharing",
        "created_at",
        "updated_at",
    ):
        assert field in body


def test_an_agent_of_chad_cannot_read_a_person_of_mozambique(api, users, persons):
    response = api(users["agent_td"]).get(f"/persons/{persons['person_mz'].pk}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "This record does not exist, or you are not allowed to see it."
    }


def test_an_agent_cannot_read_a_person_of_another_site_of_the_same_country(api, users, persons):
    assert api(users["agent_td"]).get(f"/persons/{persons['person_td2'].pk}").status_code == 404


def test_the_id_of_a_merged_person_reads_the_survivor(api, users, persons):
    survivor = persons["person_td"]
    twin = person_register(
        site=survivor.site,
        by=users["agent_td"],
        data={"given_name": "Achta", "family_name": "Mahamat", "sex": "female"},
    )
    person_merge(survivor=survivor, merged=twin, by=users["manager_td"])

    body = api(users["agent_td"]).get(f"/persons/{twin.pk}").json()

    assert body["id"] == str(survivor.pk)
    assert body["code"] == survivor.code
    assert twin.code not in codes(api(users["agent_td"]).get("/persons"))


# Registering


def test_an_agent_registers_a_person_at_their_only_site(api, users, world):
    response = api(users["agent_td"]).post("/persons", NEW)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["site"] == "TD-NDJ1"
    assert body["code"].startswith("TD-NDJ1-")
    assert body["phone"] == "+23566223344"
    person = Person.objects.get(pk=body["id"])
    assert person.created_by == users["agent_td"]
    assert MatchDecision.objects.get(person=person).candidates == []


def test_an_estimated_age_gives_an_estimated_birth_date(api, users, world):
    body = (
        api(users["agent_td"])
        .post("/persons", {**NEW, "birth_date": None, "estimated_age": 30})
        .json()
    )

    assert body["birth_date_estimated"] is True
    assert timezone.localdate().year - int(body["birth_date"][:4]) == 30


def test_a_user_of_several_sites_must_name_the_site(api, users, world, field_errors):
    agent = users["agent_td"]
    agent.sites.add(world["sites"]["td2"])
    client = api(agent)

    assert field_errors(client.post("/persons", NEW)) == {"site": ["required"]}
    response = client.post("/persons", {**NEW, "site": "td-mou1"})
    assert response.status_code == 201
    assert response.json()["site"] == "TD-MOU1"


@pytest.mark.parametrize("role", ["coordinator_td", "me_hq", "admin_user", "provider_user"])
def test_roles_that_do_not_record_cannot_register(api, users, world, role):
    response = api(users[role]).post("/persons", {**NEW, "site": "TD-NDJ1"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this action."}
    assert not Person.objects.exists()


def test_a_look_alike_is_refused_with_candidates_then_registered_on_confirmation(
    api, users, persons
):
    client = api(users["agent_td"])
    before = Person.objects.count()

    refused = client.post("/persons", LOOK_ALIKE)

    assert refused.status_code == 409
    body = refused.json()
    assert "confirm_new" in body["detail"]
    [candidate] = body["candidates"]
    assert candidate["id"] == str(persons["person_td"].pk)
    assert candidate["code"] == persons["person_td"].code
    assert candidate["score"] >= 0.6
    assert "same_birth_date" in candidate["reasons"]
    assert "Same date of birth" in candidate["reason_labels"]
    assert Person.objects.count() == before

    confirmed = client.post("/persons", {**LOOK_ALIKE, "confirm_new": True})

    assert confirmed.status_code == 201
    decision = MatchDecision.objects.get(person_id=confirmed.json()["id"])
    assert [c["id"] for c in decision.candidates] == [str(persons["person_td"].pk)]


def test_look_alikes_out_of_scope_do_not_block_registration(api, users, persons):
    response = api(users["agent_mz"]).post("/persons", {**LOOK_ALIKE, "given_name": "Achta"})

    assert response.status_code == 201


# Matching


def test_match_ranks_look_alikes_in_scope(api, users, persons):
    response = api(users["agent_td"]).post("/persons/match", LOOK_ALIKE)

    assert response.status_code == 200
    [candidate] = response.json()
    assert candidate["code"] == persons["person_td"].code
    assert set(candidate) == {"id", "code", "score", "reasons", "reason_labels"}


def test_match_never_returns_a_person_of_another_country(api, users, persons):
    twin_mz = person_register(
        site=persons["person_mz"].site,
        by=users["agent_mz"],
        data={
            "given_name": "Achta",
            "family_name": "Mahamat",
            "sex": "female",
            "birth_date": datetime.date(1990, 5, 4),
        },
    )

    found_td = api(users["agent_td"]).post("/persons/match", LOOK_ALIKE).json()
    found_mz = api(users["agent_mz"]).post("/persons/match", LOOK_ALIKE).json()

    assert [c["id"] for c in found_td] == [str(persons["person_td"].pk)]
    assert [c["id"] for c in found_mz] == [str(twin_mz.pk)]
    assert api(users["me_hq"]).post("/persons/match", LOOK_ALIKE).json() == []


def test_match_of_nobody_alike_is_empty(api, users, persons):
    assert api(users["agent_td"]).post("/persons/match", NEW).json() == []


# Changing


def test_patch_changes_only_the_given_fields(api, users, persons):
    person = persons["person_td"]

    response = api(users["agent_td"]).patch(
        f"/persons/{person.pk}", {"version": 1, "locality": "Chagoua", "phone_alt": "99112233"}
    )

    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.locality, person.phone_alt, person.version) == ("Chagoua", "+23599112233", 2)
    assert (person.given_name, person.phone, person.birth_date) == (
        "Achta",
        "+23566123456",
        datetime.date(1990, 5, 4),
    )
    assert person.updated_by == users["agent_td"]
    assert response.json()["version"] == 2


def test_patch_with_an_estimated_age_replaces_the_birth_date(api, users, persons):
    person = persons["person_td"]

    body = (
        api(users["agent_td"])
        .patch(f"/persons/{person.pk}", {"version": 1, "estimated_age": 40})
        .json()
    )

    assert body["birth_date_estimated"] is True
    assert body["birth_date"] != "1990-05-04"


def test_a_stale_patch_gets_409_and_the_newer_data_stays(api, users, persons):
    person = persons["person_td"]
    client = api(users["agent_td"])
    assert (
        client.patch(f"/persons/{person.pk}", {"version": 1, "locality": "Newer"}).status_code
        == 200
    )

    stale = client.patch(f"/persons/{person.pk}", {"version": 1, "locality": "Older"})

    assert stale.status_code == 409
    assert "nothing was saved" in stale.json()["detail"]
    person.refresh_from_db()
    assert (person.locality, person.version) == ("Newer", 2)


def test_patch_needs_the_version(api, users, persons, field_errors):
    response = api(users["agent_td"]).patch(
        f"/persons/{persons['person_td'].pk}", {"locality": "X"}
    )

    assert field_errors(response) == {"version": ["missing"]}


def test_an_invalid_patch_writes_nothing(api, users, persons, field_errors):
    person = persons["person_td"]

    response = api(users["agent_td"]).patch(
        f"/persons/{person.pk}", {"version": 1, "locality": "Chagoua", "given_name": "  "}
    )

    assert field_errors(response) == {"given_name": ["required"]}
    person.refresh_from_db()
    assert (person.locality, person.version) == ("", 1)


def test_a_coordinator_cannot_patch(api, users, persons):
    person = persons["person_td"]

    response = api(users["coordinator_td"]).patch(
        f"/persons/{person.pk}", {"version": 1, "locality": "X"}
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.version == 1


def test_an_agent_cannot_patch_a_person_out_of_scope(api, users, persons):
    response = api(users["agent_mz"]).patch(
        f"/persons/{persons['person_td'].pk}", {"version": 1, "locality": "X"}
    )

    assert response.status_code == 404


def test_a_manager_patches_a_person_of_their_site(api, users, persons):
    assert users["manager_td"].role == Role.MANAGER
    response = api(users["manager_td"]).patch(
        f"/persons/{persons['person_td'].pk}", {"version": 1, "occupation": "Couturière"}
    )

    assert response.status_code == 200
    assert response.json()["occupation"] == "Couturière"

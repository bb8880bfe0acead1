"""Registry rules: codes, stale edits, merges, households, consent, Washington Group."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orienta.core.models import Event
from orienta.core.services import StaleEdit
from orienta.frontdesk.models import Visit
from orienta.people import services
from orienta.people.models import HouseholdMember, Person, PersonMerge
from orienta.people.queries import person_by_code_for, person_for


def _data(person, **changes):
    fields = [
        "given_name",
        "family_name",
        "other_names",
        "sex",
        "birth_date",
        "birth_date_estimated",
        "phone",
        "phone_alt",
        "documents",
        "consent_processing",
        "consent_sharing",
        "migration_status",
    ]
    return {f: getattr(person, f) for f in fields} | changes


def test_codes_are_derived_from_the_site_and_unique(persons, world, users):
    a = persons["person_td"]
    b = services.person_register(
        site=world["sites"]["td"], by=users["agent_td"], data=_data(a, given_name="Zara", phone="")
    )
    assert a.code == "TD-NDJ1-000001"
    assert b.code == "TD-NDJ1-000002"


def test_a_stale_edit_is_refused_and_the_newer_data_stays(persons, users):
    person = persons["person_td"]
    services.person_update(
        person=person,
        data=_data(person, occupation="Couturière"),
        expected_version=1,
        by=users["agent_td"],
    )
    with pytest.raises(StaleEdit):
        services.person_update(
            person=person,
            data=_data(person, occupation="Commerçante"),
            expected_version=1,
            by=users["manager_td"],
        )
    person.refresh_from_db()
    assert person.occupation == "Couturière"
    assert person.version == 2


def test_stale_edit_through_the_page_shows_a_message(login, persons, users):
    person = persons["person_td"]
    services.person_update(
        person=person,
        data=_data(person, occupation="Couturière"),
        expected_version=1,
        by=users["agent_td"],
    )
    client = login(users["manager_td"])
    post = {
        "given_name": "Achta",
        "family_name": "Mahamat",
        "sex": "female",
        "birth_date": "1990-05-04",
        "phone": "+23566123456",
        "migration_status": "national",
        "occupation": "Commerçante",
        "version": "1",
    }
    response = client.post(reverse("people:edit", args=[person.pk]), post)
    assert response.status_code == 409
    assert 'class="error"' in response.text or "messages" in response.text
    person.refresh_from_db()
    assert person.occupation == "Couturière"


def test_consent_change_records_who_and_when(persons, users):
    person = persons["person_td"]
    updated = services.person_update(
        person=person,
        data=_data(person, consent_processing=True, consent_sharing=True),
        expected_version=person.version,
        by=users["manager_td"],
    )
    assert updated.consent_recorded_by == users["manager_td"]
    assert updated.consent_date is not None


def test_washington_group_derives_disability_status(persons):
    person = persons["person_td"]
    assert person.disability_status == "unknown"
    person.wg_seeing, person.wg_walking = 1, 2
    assert person.disability_status == "some"
    person.wg_hearing = 3
    assert person.disability_status == "disability"


def test_age_at_any_date(persons):
    person = persons["person_td"]  # born 1990-05-04
    assert person.age_on(datetime.date(2020, 5, 3)) == 29
    assert person.age_on(datetime.date(2020, 5, 4)) == 30


def _duplicate(persons, world, users):
    original = persons["person_td"]
    return services.person_register(
        site=world["sites"]["td"],
        by=users["agent_td"],
        data=_data(
            original,
            given_name="Acheta",
            phone="+23599887766",
            other_names="",
            documents=["birth_certificate"],
        ),
    )


def test_manager_merges_two_records_and_nothing_is_lost(persons, world, users):
    survivor = persons["person_td"]
    duplicate = _duplicate(persons, world, users)
    visit = Visit.objects.create(
        site=survivor.site,
        person=duplicate,
        agent=users["agent_td"],
        occurred_at=datetime.datetime.now(datetime.UTC),
        outcome="informed",
    )
    services.person_merge(
        survivor=survivor, merged=duplicate, by=users["manager_td"], reason="même personne"
    )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    visit.refresh_from_db()
    assert visit.person == survivor
    assert survivor.phone_alt == "+23599887766"
    assert "birth_certificate" in survivor.documents
    assert "Acheta Mahamat" in survivor.other_names
    assert duplicate.merged_into == survivor and duplicate.deleted_at is not None
    log = PersonMerge.objects.get()
    assert log.snapshot["given_name"] == "Acheta" and log.merged_by == users["manager_td"]
    assert Event.objects.filter(verb="person.merged").exists()
    # The merged record's id and code still lead to the survivor.
    assert person_for(users["agent_td"], duplicate.pk) == survivor
    assert person_by_code_for(users["agent_td"], duplicate.code) == survivor
    assert duplicate not in Person.objects.visible_to(users["agent_td"])


def test_only_a_site_manager_can_merge(persons, world, users):
    duplicate = _duplicate(persons, world, users)
    with pytest.raises(PermissionDenied):
        services.person_merge(survivor=persons["person_td"], merged=duplicate, by=users["agent_td"])


def test_merge_page_compares_then_merges(login, persons, world, users):
    duplicate = _duplicate(persons, world, users)
    client = login(users["manager_td"])
    url = reverse("people:merge", args=[persons["person_td"].pk])
    page = client.post(url, {"code": duplicate.code})
    assert page.status_code == 200 and duplicate.code in page.text
    assert not PersonMerge.objects.exists()
    done = client.post(url, {"code": duplicate.code, "confirm": "1", "reason": "doublon"})
    assert done.status_code == 302
    assert PersonMerge.objects.filter(merged=duplicate).exists()
    old = client.get(reverse("frontdesk:person", args=[duplicate.pk]))
    assert old.status_code == 302 and str(persons["person_td"].pk) in old["Location"]


def test_a_person_has_at_most_one_current_household(persons, world, users):
    head, other = persons["person_td"], _duplicate(persons, world, users)
    first = services.household_create(head=head, by=users["agent_td"])
    second = services.household_create(head=other, by=users["agent_td"])
    services.household_add_member(
        household=second, person=head, relationship="spouse", by=users["agent_td"]
    )
    current = HouseholdMember.objects.filter(person=head, left_on__isnull=True)
    assert [m.household for m in current] == [second]
    assert HouseholdMember.objects.filter(person=head, household=first).exists()  # history kept
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(
            site=head.site,
            household=first,
            person=head,
            relationship="child",
            joined_on=timezone.localdate(),
        )


def test_household_pages_create_and_add_a_member(login, persons, world, users):
    head, other = persons["person_td"], _duplicate(persons, world, users)
    client = login(users["agent_td"])
    client.post(reverse("people:household_create", args=[head.pk]))
    client.post(
        reverse("people:household_add", args=[head.pk]),
        {"code": other.code, "relationship": "child"},
    )
    page = client.get(reverse("people:household", args=[head.pk]))
    assert other.full_name in page.text
    assert HouseholdMember.objects.get(person=other, left_on__isnull=True).relationship == "child"


def test_household_add_rejects_a_person_out_of_scope(login, persons, users):
    head = persons["person_td"]
    client = login(users["agent_td"])
    client.post(reverse("people:household_create", args=[head.pk]))
    client.post(
        reverse("people:household_add", args=[head.pk]),
        {"code": persons["person_mz"].code, "relationship": "child"},
    )
    assert not HouseholdMember.objects.filter(person=persons["person_mz"]).exists()


def test_agent_cannot_register_at_a_site_they_do_not_work_at(world, users, persons):
    with pytest.raises(PermissionDenied):
        services.person_register(
            site=world["sites"]["mz"], by=users["agent_td"], data=_data(persons["person_td"])
        )


def test_estimated_age_gives_an_estimated_birth_date(login, users, world):
    client = login(users["agent_td"])
    client.post(
        reverse("people:register"),
        {
            "site": "TD-NDJ1",
            "given_name": "Halimé",
            "family_name": "Abakar",
            "sex": "female",
            "estimated_age": "40",
            "migration_status": "refugee",
            "consent_processing": "not_asked",
            "confirm_new": "1",
        },
    )
    person = Person.objects.get(given_name="Halimé")
    assert person.birth_date_estimated
    # Today at the site (N'Djamena is an hour ahead of UTC: near midnight the dates differ).
    today = timezone.localdate(timezone=ZoneInfo(person.site.timezone))
    assert person.age_on(today) == 40

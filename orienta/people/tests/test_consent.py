"""Consent: a purpose, a date, who recorded it, withdrawable — and a history that says so."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from orienta.core.models import Event
from orienta.people import services
from orienta.people.models import ConsentEvent, ConsentPurpose, Person
from orienta.people.queries import person_may_be_shared
from orienta.people.rights import consent_give, consent_withdraw

BASE = {"sex": "female", "migration_status": "national", "documents": []}


def _register(world, users, **data):
    return services.person_register(
        site=world["sites"]["td"],
        by=users["agent_td"],
        data=BASE | {"given_name": "Kaltouma", "family_name": "Djibrine"} | data,
    )


def _history(person):
    return [(e.purpose, e.given) for e in ConsentEvent.objects.filter(person=person)]


@pytest.fixture
def consenting(world, users):
    """A person who consented to processing and to sharing when registered."""
    return _register(world, users, consent_processing=True, consent_sharing=True)


def test_registration_records_each_consent_given_with_its_recorder(consenting, users):
    events = list(ConsentEvent.objects.filter(person=consenting))
    assert [(e.purpose, e.given) for e in events] == [("processing", True), ("sharing", True)]
    assert {e.recorded_by for e in events} == {users["agent_td"]}
    assert {e.site for e in events} == {consenting.site}


def test_registration_without_consent_records_no_event(world, users):
    person = _register(world, users)
    assert _history(person) == []
    assert not person_may_be_shared(person)


def test_an_edit_that_changes_consent_adds_an_event_and_one_that_does_not_adds_none(
    consenting, users
):
    data = {f: getattr(consenting, f) for f in ("given_name", "family_name", "sex")}
    services.person_update(
        person=consenting,
        data=data | {"occupation": "Tailor"},
        expected_version=1,
        by=users["manager_td"],
    )
    assert len(_history(consenting)) == 2
    services.person_update(
        person=consenting,
        data=data | {"consent_sharing": False},
        expected_version=2,
        by=users["manager_td"],
    )
    last = ConsentEvent.objects.filter(person=consenting).last()
    assert (last.purpose, last.given, last.recorded_by) == ("sharing", False, users["manager_td"])


def test_withdrawing_sharing_blocks_sharing_and_keeps_processing(consenting, users):
    assert person_may_be_shared(consenting)
    events = consent_withdraw(
        person=consenting, purpose="sharing", by=users["agent_td"], note="said at the desk"
    )
    assert [(e.purpose, e.given, e.note) for e in events] == [
        ("sharing", False, "said at the desk")
    ]
    consenting.refresh_from_db()
    assert consenting.consent_processing and not consenting.consent_sharing
    assert consenting.consent_recorded_by == users["agent_td"]
    assert consenting.version == 2
    assert not person_may_be_shared(consenting)
    assert Event.objects.filter(verb="person.consent_withdrawn", object_id=consenting.pk).exists()


def test_person_may_be_shared_reads_the_database_not_a_stale_instance(consenting, users):
    stale = Person.objects.get(pk=consenting.pk)
    consent_withdraw(person=consenting, purpose="sharing", by=users["agent_td"])
    assert stale.consent_sharing  # the instance still says yes
    assert not person_may_be_shared(stale)


def test_withdrawing_processing_withdraws_sharing_too(consenting, users):
    events = consent_withdraw(person=consenting, purpose="processing", by=users["agent_td"])
    assert sorted((e.purpose, e.given) for e in events) == [
        ("processing", False),
        ("sharing", False),
    ]
    consenting.refresh_from_db()
    assert not consenting.consent_processing and not consenting.consent_sharing


def test_withdrawing_twice_records_nothing_the_second_time(consenting, users):
    consent_withdraw(person=consenting, purpose="sharing", by=users["agent_td"])
    assert consent_withdraw(person=consenting, purpose="sharing", by=users["agent_td"]) == []
    assert _history(consenting).count(("sharing", False)) == 1


def test_renewed_consent_is_a_new_event_and_sharing_needs_processing(consenting, users):
    consent_withdraw(person=consenting, purpose="processing", by=users["agent_td"])
    with pytest.raises(ValidationError):
        consent_give(person=consenting, purpose="sharing", by=users["agent_td"])
    consent_give(person=consenting, purpose="processing", by=users["agent_td"])
    consent_give(person=consenting, purpose="sharing", by=users["agent_td"])
    assert _history(consenting)[-2:] == [("processing", True), ("sharing", True)]
    assert person_may_be_shared(consenting)


@pytest.mark.parametrize("role", ["coordinator_td", "agent_td2", "me_hq"])
def test_only_staff_of_the_site_record_a_withdrawal(consenting, users, role):
    with pytest.raises(PermissionDenied):
        consent_withdraw(person=consenting, purpose="sharing", by=users[role])
    assert len(_history(consenting)) == 2


def test_a_merged_record_may_not_be_shared(consenting, world, users):
    other = _register(world, users, given_name="Kaltouma", consent_processing=True)
    services.person_merge(survivor=other, merged=consenting, by=users["manager_td"])
    assert not person_may_be_shared(consenting)


# The page


def test_agent_sees_the_history_and_records_a_withdrawal(login, consenting, users):
    client = login(users["agent_td"])
    url = reverse("people:consent", args=[consenting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "<form" in page.text
    response = client.post(url, {"purpose": "sharing", "given": "0", "note": "by phone"})
    assert response.status_code == 302
    consenting.refresh_from_db()
    assert not consenting.consent_sharing
    page = client.get(url)
    assert "by phone" in page.text


def test_a_change_that_changes_nothing_gets_a_message(login, consenting, users):
    response = login(users["agent_td"]).post(
        reverse("people:consent", args=[consenting.pk]), {"purpose": "sharing", "given": "1"}
    )
    assert response.status_code == 422
    assert 'class="errorlist nonfield"' in response.text
    assert len(_history(consenting)) == 2


def test_coordinator_reads_the_history_but_cannot_change_it(login, consenting, users):
    client = login(users["coordinator_td"])
    url = reverse("people:consent", args=[consenting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert '<form method="post" class="stack"' not in page.text
    assert client.post(url, {"purpose": "sharing", "given": "0"}).status_code == 403
    consenting.refresh_from_db()
    assert consenting.consent_sharing


def test_person_page_links_the_consent_page_and_shows_the_latest_changes(login, consenting, users):
    consent_withdraw(person=consenting, purpose="sharing", by=users["agent_td"])
    page = login(users["agent_td"]).get(reverse("frontdesk:person", args=[consenting.pk])).text
    assert reverse("people:consent", args=[consenting.pk]) in page
    assert str(ConsentPurpose.SHARING.label) in page

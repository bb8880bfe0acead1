"""Safe entry at registration: no sex chosen for the agent, and consent asked for each purpose
(given, refused or not asked yet), kept as the person's consent history from the start."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orienta.frontdesk.models import Theme, Visit
from orienta.people import services
from orienta.people.models import ConsentEvent, Person
from orienta.people.queries import person_may_be_shared


def _post(**extra):
    data = {
        "site": "TD-NDJ1",
        "given_name": "Mariam",
        "family_name": "Oumar",
        "sex": "female",
        "birth_date": "1992-07-14",
        "migration_status": "national",
        "consent_processing": "given",
        "consent_sharing": "given",
    }
    return {k: v for k, v in (data | extra).items() if v is not None}


def _history(person):
    return [(e.purpose, e.given) for e in ConsentEvent.objects.filter(person=person)]


def _selected(html: str, name: str) -> list[str]:
    """The values of the options a select starts with (the first one when none is marked)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select)
    marked = [value for value, attrs in options if "selected" in attrs]
    return marked or [options[0][0]]


@pytest.fixture(autouse=True)
def _in_english(users_in_english):
    """The pages are read in English here (orienta/conftest.py, `users_in_english`)."""


@pytest.fixture
def agent(login, users, persons):
    return login(users["agent_td"])


def test_the_sex_starts_blank_on_the_registration_page(agent):
    html = agent.get(reverse("people:register")).text
    assert _selected(html, "sex") == [""]


def test_a_registration_without_sex_is_refused_and_saves_nothing(agent):
    before = Person.objects.count()
    response = agent.post(reverse("people:register"), _post(sex=None))
    assert response.status_code == 422
    assert "Choose the sex." in response.text
    assert Person.objects.count() == before


def test_the_edit_page_starts_with_the_persons_sex(agent, persons):
    person = persons["person_td"]
    html = agent.get(reverse("people:edit", args=[person.pk])).text
    assert _selected(html, "sex") == ["female"]


def test_the_anonymous_visit_form_starts_without_sex_or_age(agent):
    html = agent.get(reverse("frontdesk:visit_new")).text
    assert _selected(html, "anonymous_sex") == [""]
    age = re.search(r'<input [^>]*name="anonymous_age"[^>]*>', html).group(0)
    assert "value=" not in age


def test_an_anonymous_visit_without_sex_is_refused(agent):
    themes = list(Theme.objects.values_list("code", flat=True)[:1])
    response = agent.post(
        reverse("frontdesk:visit_new"),
        {"site": "TD-NDJ1", "themes": themes, "channel": "walk_in", "outcome": "informed"},
    )
    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_the_registration_page_asks_consent_for_each_purpose_with_nothing_ticked(agent):
    html = agent.get(reverse("people:register")).text
    for name in ("consent_processing", "consent_sharing"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)
        assert {re.search(r'value="([^"]+)"', r).group(1) for r in radios} == {
            "given",
            "refused",
            "not_asked",
        }
        assert not any("checked" in r for r in radios)


def test_a_registration_without_a_consent_answer_is_refused(agent):
    before = Person.objects.count()
    response = agent.post(reverse("people:register"), _post(consent_processing=None))
    assert response.status_code == 422
    assert "Say whether the person was asked, and what they said." in response.text
    assert Person.objects.count() == before


def test_consent_to_processing_needs_an_answer_about_sharing(agent):
    response = agent.post(reverse("people:register"), _post(consent_sharing=None))
    assert response.status_code == 422
    assert not Person.objects.filter(family_name="Oumar").exists()


def test_consents_given_at_registration_are_its_first_consent_events(agent, users):
    response = agent.post(reverse("people:register"), _post())
    person = Person.objects.get(family_name="Oumar")
    assert response.status_code == 302
    assert _history(person) == [("processing", True), ("sharing", True)]
    assert {e.recorded_by for e in ConsentEvent.objects.filter(person=person)} == {
        users["agent_td"]
    }
    assert person.consent_recorded_by == users["agent_td"] and person.consent_date
    assert person_may_be_shared(person)


def test_sharing_refused_at_registration_is_recorded_as_refused(agent):
    agent.post(reverse("people:register"), _post(consent_sharing="refused"))
    person = Person.objects.get(family_name="Oumar")
    assert _history(person) == [("processing", True), ("sharing", False)]
    assert person.consent_processing and not person.consent_sharing
    assert not person_may_be_shared(person)


def test_not_asked_yet_records_no_consent(agent):
    agent.post(
        reverse("people:register"), _post(consent_processing="not_asked", consent_sharing=None)
    )
    person = Person.objects.get(family_name="Oumar")
    assert _history(person) == []
    assert person.consent_date is None and person.consent_recorded_by is None


def test_sharing_cannot_be_given_without_the_processing(agent):
    response = agent.post(reverse("people:register"), _post(consent_processing="not_asked"))
    assert response.status_code == 422
    assert "Sharing with partners needs consent to the processing of the data first." in (
        response.text
    )
    assert not Person.objects.filter(family_name="Oumar").exists()


def test_a_refusal_of_processing_still_registers_and_the_visit_is_recorded(agent):
    """As after a withdrawal on the consent page: the record stays, nothing may be shared,
    and the visit is recorded; the page offers the anonymous visit instead."""
    page = agent.get(reverse("people:register")).text
    assert f'href="{reverse("frontdesk:visit_new")}"' in page
    response = agent.post(
        reverse("people:register"), _post(consent_processing="refused", consent_sharing=None)
    )
    person = Person.objects.get(family_name="Oumar")
    assert response["Location"] == reverse("frontdesk:visit_new") + f"?person={person.pk}"
    assert _history(person) == [("processing", False)]
    assert not person_may_be_shared(person)
    themes = list(Theme.objects.values_list("code", flat=True)[:1])
    response = agent.post(
        response["Location"],
        {"site": "TD-NDJ1", "themes": themes, "channel": "walk_in", "outcome": "informed"},
    )
    assert response.status_code == 302
    assert Visit.objects.filter(person=person).count() == 1


def test_consent_answers_that_contradict_each_other_save_nothing(world, users):
    with pytest.raises(ValidationError):
        services.person_register(
            site=world["sites"]["td"],
            by=users["agent_td"],
            data={"given_name": "Mariam", "family_name": "Oumar", "sex": "female"},
            consent={"processing": "refused", "sharing": "given"},
        )
    assert not Person.objects.filter(family_name="Oumar").exists()
    assert not ConsentEvent.objects.exists()


def test_the_consent_and_person_pages_tell_a_refusal_from_not_asked_yet(agent):
    agent.post(
        reverse("people:register"), _post(consent_processing="refused", consent_sharing=None)
    )
    refused = Person.objects.get(family_name="Oumar")
    agent.post(
        reverse("people:register"),
        _post(family_name="Abdelkerim", consent_processing="not_asked", consent_sharing=None),
    )
    not_asked = Person.objects.get(family_name="Abdelkerim")
    page = agent.get(reverse("people:consent", args=[refused.pk])).text
    assert "refused" in page and "withdrawn" not in page
    assert "not asked yet" in page  # sharing
    page = agent.get(reverse("people:consent", args=[not_asked.pk])).text
    assert "refused" not in page and "not asked yet" in page
    page = agent.get(reverse("frontdesk:person", args=[refused.pk])).text
    assert "Processing of the data: refused" in page

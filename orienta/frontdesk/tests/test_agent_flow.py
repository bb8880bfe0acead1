"""The agent's flow through the pages: search → register or open → record the visit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orienta.core.models import Theme
from orienta.frontdesk.models import Visit
from orienta.frontdesk.services import visit_record
from orienta.people.models import MatchDecision, Person
from orienta.people.services import person_register


def _person_post(**extra):
    data = {
        "site": "TD-NDJ1",
        "given_name": "Kaltouma",
        "family_name": "Djimadoum",
        "sex": "female",
        "birth_date": "1994-02-11",
        "phone": "66 22 33 44",
        "migration_status": "national",
        "consent_processing": "given",
        "consent_sharing": "refused",
    }
    return data | extra


def test_day_page_shows_todays_visits_of_the_site(login, users, persons):
    client = login(users["agent_td"])
    response = client.get(reverse("frontdesk:day"))
    assert response.status_code == 200
    assert "TD-NDJ1" in response.text


def test_agent_registers_a_new_person_then_records_a_visit(login, users, persons):
    client = login(users["agent_td"])
    response = client.post(reverse("people:register"), _person_post())
    person = Person.objects.get(family_name="Djimadoum")
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:visit_new") + f"?person={person.pk}"
    assert person.code.startswith("TD-NDJ1-")
    assert person.phone == "+23566223344"
    assert person.consent_recorded_by == users["agent_td"]
    themes = list(Theme.objects.values_list("code", flat=True)[:2])
    response = client.post(
        response["Location"],
        {"site": "TD-NDJ1", "themes": themes, "channel": "walk_in", "outcome": "informed"},
    )
    assert response.status_code == 302
    visit = Visit.objects.get(person=person)
    assert sorted(visit.themes.values_list("code", flat=True)) == sorted(themes)


def test_registering_a_look_alike_shows_candidates_and_saves_nothing(login, users, persons):
    client = login(users["agent_td"])
    before = Person.objects.count()
    response = client.post(
        reverse("people:register"),
        _person_post(given_name="Achta", family_name="Mahamat", birth_date="1990-05-04", phone=""),
    )
    assert response.status_code == 200
    assert persons["person_td"].code in response.text
    assert Person.objects.count() == before


def test_confirming_a_new_person_despite_look_alikes_keeps_the_decision(login, users, persons):
    client = login(users["agent_td"])
    client.post(
        reverse("people:register"),
        _person_post(
            given_name="Achta", family_name="Mahamat", birth_date="1990-05-04", confirm_new="1"
        ),
    )
    new = Person.objects.exclude(pk=persons["person_td"].pk).get(given_name="Achta")
    decision = MatchDecision.objects.get(person=new)
    assert decision.decision == "new"
    assert decision.candidates[0]["code"] == persons["person_td"].code


def test_opening_an_existing_person_keeps_the_decision(login, users, persons):
    client = login(users["agent_td"])
    person = persons["person_td"]
    response = client.post(
        reverse("people:open_existing", args=[person.pk]),
        {"given_name": "Acta", "family_name": "Mahamat"},
    )
    assert response.status_code == 302
    assert MatchDecision.objects.filter(person=person, decision="existing").exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("phone", "12"),
        ("birth_date", "2999-01-01"),
        ("given_name", ""),
        ("family_name", "x" * 101),
        ("site", "XX-NOPE"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(login, users, persons, field, value):
    client = login(users["agent_td"])
    before = Person.objects.count()
    response = client.post(reverse("people:register"), _person_post(**{field: value}))
    assert response.status_code == 422
    assert 'class="errorlist' in response.text
    assert Person.objects.count() == before


def test_person_page_shows_identity_and_visits(login, users, persons):
    client = login(users["agent_td"])
    response = client.get(reverse("frontdesk:person", args=[persons["person_td"].pk]))
    assert response.status_code == 200
    assert "Achta" in response.text and persons["person_td"].code in response.text


def test_anonymous_visit_keeps_only_sex_age_band_and_themes(login, users, persons):
    client = login(users["agent_td"])
    response = client.post(
        reverse("frontdesk:visit_new"),
        {
            "site": "TD-NDJ1",
            "anonymous_sex": "female",
            "anonymous_age_band": "15-24",
            "themes": ["health"],
            "channel": "outreach",
            "outcome": "informed",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(person__isnull=True)
    assert visit.anonymous_age_band == "15-24"


def test_anonymous_visitor_s_age_is_asked_in_years(login, users, persons, monkeypatch):
    from orienta.core.models import User

    monkeypatch.setattr(User, "preferred_language", lambda self: "en")
    client = login(users["agent_td"])
    form = client.get(reverse("frontdesk:visit_new")).text
    assert 'name="anonymous_age"' in form
    data = {
        "site": "TD-NDJ1",
        "anonymous_sex": "male",
        "themes": ["health"],
        "channel": "walk_in",
        "outcome": "informed",
    }
    refused = client.post(reverse("frontdesk:visit_new"), data)
    assert refused.status_code == 422 and "Give the age in years" in refused.text
    assert not Visit.objects.exists()
    assert (
        client.post(reverse("frontdesk:visit_new"), data | {"anonymous_age": "33"}).status_code
        == 302
    )
    visit = Visit.objects.get()
    assert (visit.anonymous_age, visit.anonymous_age_band) == (33, "25-59")


def test_search_finds_by_spelling_variant_and_phone(login, users, persons):
    client = login(users["agent_td"])
    assert "Achta" in client.get(reverse("people:search"), {"q": "Mahamat"}).text
    assert "Achta" in client.get(reverse("people:search"), {"q": "Mohamed"}).text
    assert "Achta" in client.get(reverse("people:search"), {"q": "+235 66 12 34 56"}).text
    out_of_scope = client.get(reverse("people:search"), {"q": "Joana Macuácua"}).text
    assert persons["person_mz"].code not in out_of_scope


def test_the_day_page_opens_with_the_search_box_even_for_several_sites(login, world, users):
    from orienta.conftest import _user
    from orienta.core.models import Role

    both = _user("agent_both", Role.AGENT, sites=[world["sites"]["td"], world["sites"]["td2"]])
    html = login(both).get(reverse("frontdesk:day")).text
    assert 'name="site"' in html
    assert html.index('role="search"') < html.index('name="site"')


def test_a_busy_day_is_counted_whole_and_listed_fifty_visits_at_a_time(
    login, users, persons, world, in_english
):
    agent, site = users["agent_td"], world["sites"]["td"]
    man = person_register(
        site=site,
        by=agent,
        data={
            "given_name": "Abdel",
            "family_name": "Haroun",
            "sex": "male",
            "migration_status": "national",
            "documents": [],
        },
    )
    theme = Theme.objects.first()
    start = timezone.now()
    for i, person in enumerate([persons["person_td"]] * 54 + [man]):
        data = {
            "occurred_at": start - timedelta(minutes=i),
            "channel": "walk_in",
            "outcome": "informed",
            "themes": [theme],
        }
        visit_record(site=site, by=agent, data=data, person=person)
    client = login(agent)
    first = client.get(reverse("frontdesk:day")).text
    assert "55 visits today" in first
    assert "women: 54 · anonymous: 0" in first
    assert first.count('class="time"') == 50
    assert "?site=TD-NDJ1&amp;page=2" in first
    second = client.get(reverse("frontdesk:day"), {"site": "TD-NDJ1", "page": 2}).text
    assert second.count('class="time"') == 5
    assert "Haroun" in second and "Haroun" not in first  # the earliest visit comes last

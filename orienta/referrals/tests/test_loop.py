"""The short loop of the front desk: from the person page or a visit to the referral form, the
services of the visit's themes and of the site's area first, nothing typed lost to a filter,
and the consent asked for before the form is filled."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from orienta.core.models import Area, Organisation, Theme
from orienta.directory.services import place_add
from orienta.directory.tests.factories import make_service
from orienta.frontdesk.models import Visit
from orienta.frontdesk.services import visit_record
from orienta.people.rights import consent_give
from orienta.referrals.models import Referral


@pytest.fixture(autouse=True)
def _in_english(users_in_english):
    """These tests read the buttons' labels in English."""


@pytest.fixture
def consenting(persons, users):
    person = persons["person_td"]
    consent_give(person=person, purpose="processing", by=users["agent_td"])
    consent_give(person=person, purpose="sharing", by=users["agent_td"])
    return person


@pytest.fixture
def themed(world):
    """Health services in N'Djamena, in Moundou and country-wide; an education service."""
    health, education = Theme.objects.get(code="health"), Theme.objects.get(code="education")
    logone = Area.objects.get(code="TD-LO")
    moundou_org = Organisation.objects.create(
        name="Hôpital régional de Moundou", kind="public", country=world["td"], area=logone
    )
    found = {
        "moundou": make_service(moundou_org, name="Aaa santé Moundou", themes=[health]),
        "national": make_service(world["provider_org"], name="Bbb ligne santé", themes=[health]),
        "ndjamena": make_service(world["provider_org"], name="Zzz santé Chagoua", themes=[health]),
        "school": make_service(world["provider_org"], name="Inscription scolaire"),
    }
    found["school"].themes.set([education])
    found["moundou"].service_areas.set([logone])
    found["ndjamena"].service_areas.set([world["area_td2"]])  # a district of N'Djamena
    return found


def _visit(person, by, *themes, hours=1, outcome="oriented"):
    return visit_record(
        site=person.site,
        by=by,
        person=person,
        data={
            "channel": "walk_in",
            "outcome": outcome,
            "themes": [Theme.objects.get(code=code) for code in themes],
            "occurred_at": timezone.now() - timezone.timedelta(hours=hours),
            "notes": "",
        },
    )


def _services(page) -> list[str]:
    return [str(s.name) for s in page.context["form"].fields["service"].queryset]


# The person page and the visit
# =============================================================================================


def test_the_person_page_opens_with_refer_new_visit_and_open_a_case(login, users, persons):
    person = persons["person_td"]
    html = login(users["agent_td"]).get(reverse("frontdesk:person", args=[person.pk])).text
    top = html.split('class="actions person-actions">')[1].split("</p>")[0]
    orient = reverse("frontdesk:visit_new") + f"?person={person.pk}&amp;outcome=oriented"
    visit = reverse("frontdesk:visit_new") + f"?person={person.pk}"
    case = reverse("cases:new") + f"?person={person.pk}"
    assert top.index(f'href="{orient}">Refer') < top.index(f'href="{visit}">New visit')
    assert top.index(f'href="{visit}">New visit') < top.index(f'href="{case}">Open a case')
    assert html.index("person-actions") < html.index("<section>")  # above the identity

    coordinator = login(users["coordinator_td"]).get(reverse("frontdesk:person", args=[person.pk]))
    assert "person-actions" not in coordinator.text


def test_after_todays_visit_refer_and_open_a_case_come_from_it(login, users, persons):
    person = persons["person_td"]
    _visit(person, users["agent_td"], "health", hours=30)  # yesterday's: not this one
    today = _visit(person, users["agent_td"], "health", "education", outcome="informed")
    client = login(users["agent_td"])
    html = client.get(reverse("frontdesk:person", args=[person.pk])).text
    top = html.split('class="actions person-actions">')[1].split("</p>")[0]
    refer = reverse("referrals:new") + f"?person={person.pk}&amp;visit={today.pk}"
    case = reverse("cases:new") + f"?visit={today.pk}"
    assert f'href="{refer}"' in top and f'href="{case}"' in top

    form = client.get(reverse("cases:new"), {"visit": today.pk})
    assert sorted(t.code for t in form.context["form"].initial["needs"]) == [
        "education",
        "health",
    ]
    for theme in today.themes.all():  # ticked on the page
        assert f'value="{theme.pk}" id="id_needs_' in form.text
        tag = form.text.split(f'value="{theme.pk}" id="id_needs_')[1].split(">")[0]
        assert "checked" in tag


def test_a_visit_form_asked_to_orient_starts_with_the_outcome_oriented(login, users, persons):
    person = persons["person_td"]
    page = login(users["agent_td"]).get(
        reverse("frontdesk:visit_new"), {"person": person.pk, "outcome": "oriented"}
    )
    assert page.context["form"]["outcome"].value() == "oriented"
    assert 'value="oriented" required id="id_outcome_1" checked>' in page.text
    assert reverse("referrals:new") + f"?person={person.pk}" in page.text


def test_a_visit_oriented_goes_on_to_the_referral_form(login, users, persons):
    person = persons["person_td"]
    response = login(users["agent_td"]).post(
        reverse("frontdesk:visit_new") + f"?person={person.pk}",
        {"site": "TD-NDJ1", "themes": ["health"], "channel": "walk_in", "outcome": "oriented"},
    )
    visit = Visit.objects.get(person=person)
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("referrals:new") + f"?person={person.pk}&visit={visit.pk}"
    )


# The referral form
# =============================================================================================


def test_from_a_visit_the_form_offers_the_services_of_its_themes(login, users, consenting, themed):
    visit = _visit(consenting, users["agent_td"], "health")
    client = login(users["agent_td"])
    page = client.get(reverse("referrals:new"), {"person": consenting.pk, "visit": visit.pk})
    assert page.status_code == 200
    found = _services(page)
    assert "Inscription scolaire" not in found
    assert set(found) == {s.name for k, s in themed.items() if k != "school"}
    every = client.get(
        reverse("referrals:new"), {"person": consenting.pk, "visit": visit.pk, "theme": ""}
    )
    assert "Inscription scolaire" in _services(every)  # "All themes" is one choice away


def test_the_services_of_the_sites_area_come_first(login, users, consenting, persons, themed):
    page = login(users["agent_td"]).get(
        reverse("referrals:new"), {"person": consenting.pk, "theme": "health"}
    )
    # N'Djamena's first, then the country-wide one, Moundou's last, whatever their names.
    assert _services(page) == ["Zzz santé Chagoua", "Bbb ligne santé", "Aaa santé Moundou"]
    person_td2 = persons["person_td2"]
    consent_give(person=person_td2, purpose="processing", by=users["agent_td2"])
    moundou = login(users["agent_td2"]).get(
        reverse("referrals:new"), {"person": person_td2.pk, "theme": "health"}
    )
    assert _services(moundou) == ["Aaa santé Moundou", "Bbb ligne santé", "Zzz santé Chagoua"]


def test_a_place_or_a_permanence_in_the_area_counts_as_serving_it(
    login, users, consenting, themed, world
):
    from orienta.directory.services import permanence_add

    permanence_add(
        by=users["coordinator_td"],
        service=themed["national"],
        site=world["sites"]["td"],
        data={"weekday": 1, "opens_at": "08:00", "closes_at": "12:00"},
    )
    client = login(users["agent_td"])
    query = {"person": consenting.pk, "theme": "health"}
    page = client.get(reverse("referrals:new"), query)
    assert _services(page) == ["Bbb ligne santé", "Zzz santé Chagoua", "Aaa santé Moundou"]
    place_add(
        by=users["coordinator_td"],
        service=themed["moundou"],
        data={"name": "Antenne de Chagoua", "area": world["area_td2"], "country_code": "TD"},
    )
    page = client.get(reverse("referrals:new"), query)
    assert _services(page) == ["Aaa santé Moundou", "Bbb ligne santé", "Zzz santé Chagoua"]


def test_filtering_the_services_keeps_what_was_typed_and_ticked(login, users, consenting, themed):
    client = login(users["agent_td"])
    page = client.post(
        reverse("referrals:new"),
        {
            "person": consenting.pk,
            "theme": "",
            "q": "scolaire",
            "service": themed["ndjamena"].pk,
            "urgency": "urgent",
            "reason": "Inscription au CP, pas d'acte de naissance",
            "shared_fields": ["given_name", "phone"],
            "step": "filter",
        },
    )
    assert page.status_code == 200
    assert not Referral.objects.exists()
    # The services found, and the one already ticked, still ticked.
    assert _services(page) == ["Zzz santé Chagoua", "Inscription scolaire"]
    form = page.context["form"]
    assert not form.is_bound  # no error shown for what is not filled in yet
    assert str(form["service"].value()) == str(themed["ndjamena"].pk)
    assert form["urgency"].value() == "urgent"
    assert form["shared_fields"].value() == ["given_name", "phone"]
    html = page.text
    assert "Inscription au CP, pas d&#x27;acte de naissance</textarea>" in html
    assert 'value="scolaire"' in html
    for value in ("given_name", "phone"):
        tag = html.split(f'name="shared_fields" value="{value}"')[1].split(">")[0]
        assert "checked" in tag
    tag = html.split(f'name="service" value="{themed["ndjamena"].pk}"')[1].split(">")[0]
    assert "checked" in tag


def test_without_consent_the_form_links_to_the_consent_page_before_anything_is_filled(
    login, users, persons, themed
):
    person = persons["person_td"]
    visit = _visit(person, users["agent_td"], "health")
    page = login(users["agent_td"]).get(
        reverse("referrals:new"), {"person": person.pk, "visit": visit.pk}
    )
    assert page.status_code == 200
    back = reverse("referrals:new") + f"?person={person.pk}&visit={visit.pk}"
    consent = reverse("people:consent", args=[person.pk]) + "?next=" + quote(back, safe="")
    assert f'href="{consent.replace("&", "&amp;")}"' in page.text
    assert 'name="reason"' not in page.text  # nothing to fill in that could not be sent

    manager = login(users["manager_td"]).get(
        reverse("referrals:new"), {"person": person.pk, "visit": visit.pk}
    )
    assert reverse("people:consent", args=[person.pk]) in manager.text
    assert 'name="consent_override_reason"' in manager.text  # a manager may still override


def test_the_consent_page_leads_back_to_the_referral_once_both_consents_are_given(
    login, users, persons
):
    person = persons["person_td"]
    back = reverse("referrals:new") + f"?person={person.pk}"
    url = reverse("people:consent", args=[person.pk])
    client = login(users["agent_td"])

    page = client.get(url, {"next": back})
    assert page.context["form"].initial == {"purpose": "processing", "given": "1"}
    assert f'name="next" value="{back}"' in page.text

    first = client.post(url, {"purpose": "processing", "given": "1", "next": back})
    assert first.status_code == 302 and first["Location"] == f"{url}?next=" + quote(back, safe="")
    assert client.get(first["Location"]).context["form"].initial["purpose"] == "sharing"

    second = client.post(url, {"purpose": "sharing", "given": "1", "next": back})
    assert second.status_code == 302 and second["Location"] == back


def test_the_consent_page_goes_back_only_to_this_site(login, users, persons):
    person = persons["person_td"]
    url = reverse("people:consent", args=[person.pk])
    client = login(users["agent_td"])
    client.post(url, {"purpose": "processing", "given": "1"})
    response = client.post(
        url, {"purpose": "sharing", "given": "1", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == url

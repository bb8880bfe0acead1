from datetime import UTC, datetime, time

import pytest
from django.utils import timezone

from orienta.core.models import Area, Event, Organisation
from orienta.directory import queries
from orienta.directory.models import Permanence, Service

pytestmark = pytest.mark.django_db


def test_search_by_text_theme_and_free(login, users, directory):
    client = login(users["me_hq"])
    response = client.get("/directory/", {"theme": directory["theme"].code})
    text = response.content.decode()
    assert "Déclaration de naissance tardive" in text and "Assistência jurídica" in text
    assert "Consultation prénatale" not in text
    response = client.get("/directory/", {"q": "prénatale"})
    assert "Consultation prénatale" in response.content.decode()
    assert "Assistência jurídica" not in response.content.decode()
    free = queries.service_search(users["me_hq"], free_only=True)
    assert list(free) == []
    directory["health"].cost_options.update(amount=0)
    assert list(queries.service_search(users["me_hq"], free_only=True)) == [directory["health"]]


def test_search_by_area(users, directory, world):
    found = queries.service_search(users["me_hq"], area=world["area_td"])
    assert directory["registry"] in found and directory["legal"] not in found


def test_open_now_uses_the_site_time_zone(users, directory):
    # Tuesday 2026-01-06 08:30 UTC is 09:30 in N'Djamena (UTC+1): the permanence is open.
    tuesday = datetime(2026, 1, 6, 8, 30, tzinfo=UTC)
    found = queries.service_search(users["me_hq"], open_now=True, now=tuesday)
    assert directory["registry"] in found
    # Tuesday 11:30 UTC = 12:30 local: permanence closed, office (07:30-15:30 weekdays) open.
    Service.objects.filter(pk=directory["registry"].pk)
    directory["registry"].schedules.all().delete()
    later = datetime(2026, 1, 6, 11, 30, tzinfo=UTC)
    assert directory["registry"] not in queries.service_search(
        users["me_hq"], open_now=True, now=later
    )
    # Maputo (UTC+2): legal aid opens Monday and Wednesday 08:00-12:00 local.
    monday_local_9 = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    assert directory["legal"] in queries.service_search(
        users["me_hq"], open_now=True, now=monday_local_9
    )
    monday_utc_9_local_11 = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert directory["legal"] not in queries.service_search(
        users["me_hq"], open_now=True, now=monday_utc_9_local_11
    )


def test_detail_shows_the_entry_and_the_stale_flag(login, users, directory):
    client = login(users["agent_mz"])
    text = client.get(f"/directory/services/{directory['legal'].pk}/").content.decode()
    assert "Assistência jurídica" in text
    assert "6" in text and "directory-stale" in text
    client = login(users["agent_td"])
    text = client.get(f"/directory/services/{directory['registry'].pk}/").content.decode()
    assert "Témoignage de deux personnes" in text
    assert "directory-stale" not in text
    assert (
        f"/directory/services/{directory['registry'].pk}/verify/" not in text
    )  # agents do not edit


def _form(org, **extra):
    data = {
        "organisation": org.pk,
        "name": "Formation en couture",
        "status": "active",
        "response_days": 14,
        "eligible_sex": "",
    }
    data.update(extra)
    return data


def test_create_edit_and_verify(login, users, world, directory):
    client = login(users["manager_td"])
    org = world["provider_org"]
    response = client.post("/directory/services/new/", _form(org, minimum_age=30, maximum_age=20))
    assert response.status_code == 422
    assert not Service.objects.filter(name="Formation en couture").exists()
    response = client.post("/directory/services/new/", _form(org, minimum_age=15))
    assert response.status_code == 302
    service = Service.objects.get(name="Formation en couture")
    assert service.created_by == users["manager_td"]
    edit = f"/directory/services/{service.pk}/edit/"
    response = client.post(edit, _form(org, name="Couture", version=service.version))
    assert response.status_code == 302
    response = client.post(edit, _form(org, name="Broderie", version=service.version))
    assert response.status_code == 409
    service.refresh_from_db()
    assert service.name == "Couture" and service.version == 2
    assert service.is_stale()
    client.post(f"/directory/services/{service.pk}/verify/")
    service.refresh_from_db()
    assert service.last_verified_by == users["manager_td"] and not service.is_stale()
    assert Event.objects.filter(verb="service.verified", object_id=service.pk).exists()


def test_a_manager_cannot_put_a_service_in_another_country(login, users, world):
    client = login(users["manager_td"])
    other = Organisation.objects.get(name="Associação Kuvumbana")
    response = client.post("/directory/services/new/", _form(other))
    assert response.status_code == 422
    assert not Service.objects.filter(name="Formation en couture").exists()


def test_permanence_costs_and_hours(login, users, directory, world):
    client = login(users["coordinator_td"])
    service = directory["health"]
    base = f"/directory/services/{service.pk}/"
    response = client.post(
        base + "permanences/",
        {
            "perm-site": world["sites"]["td"].pk,
            "perm-weekday": 3,
            "perm-opens_at": "10:00",
            "perm-closes_at": "09:00",
        },
    )
    assert response.status_code == 422
    response = client.post(
        base + "permanences/",
        {
            "perm-site": world["sites"]["td"].pk,
            "perm-weekday": 3,
            "perm-opens_at": "09:00",
            "perm-closes_at": "12:00",
            "perm-amount": "500",
        },
    )
    assert response.status_code == 302
    perm = Permanence.objects.get(service=service)
    assert not perm.free and perm.amount == 500 and perm.currency == "XAF"
    response = client.post(
        base + "costs/", {"cost-option": "Carnet", "cost-amount": "-1", "cost-currency": "XAF"}
    )
    assert response.status_code == 422
    response = client.post(
        base + "costs/", {"cost-option": "Carnet", "cost-amount": "300", "cost-currency": "xaf"}
    )
    assert service.cost_options.filter(option="Carnet", currency="XAF").exists()
    response = client.post(
        base + "hours/",
        {"hours-weekdays": ["MO", "FR"], "hours-opens_at": "08:00", "hours-closes_at": "16:00"},
    )
    assert service.schedules.get().weekdays == "MO,FR"
    cost = service.cost_options.get(option="Carnet")
    client.post(f"{base}cost/{cost.pk}/remove/")
    assert not service.cost_options.filter(option="Carnet").exists()
    client.post(f"{base}permanence/{perm.pk}/remove/")
    assert not Permanence.objects.current(timezone.localdate()).filter(pk=perm.pk).exists()


def test_site_panel_and_print(login, users, directory, settings):
    client = login(users["agent_td"])
    site = directory["site_td"]
    text = client.get(f"/sites/{site.code}/").content.decode()
    assert "Déclaration de naissance tardive" in text and "09:00" in text
    users["agent_td"].language = "pt"
    users["agent_td"].save()
    client = login(users["agent_td"])
    text = client.get(f"/directory/print/{site.code}/").content.decode()
    assert "Déclaration de naissance tardive" in text
    assert "Assistência jurídica" not in text
    assert "Consultation prénatale" in text
    assert 'lang="pt' in text


def test_nav_link(login, users, directory):
    text = login(users["agent_td"]).get("/sites/").content.decode()
    assert 'href="/directory/"' in text


def test_schedule_day_list():
    from orienta.directory.models import Schedule

    assert Schedule(weekdays="MO,WE", opens_at=time(8), closes_at=time(9)).day_list() == [0, 2]


def test_contacts_and_places(login, users, directory, world):
    client = login(users["manager_td"])
    service = directory["health"]
    base = f"/directory/services/{service.pk}/"
    response = client.post(base + "places/", {"place-name": "Annexe", "place-latitude": "12.1"})
    assert response.status_code == 422
    response = client.post(
        base + "places/",
        {
            "place-name": "Annexe de Dembé",
            "place-address_1": "Rue 40",
            "place-city": "N’Djamena",
            "place-area": world["area_td"].pk,
            "place-latitude": "12.1",
            "place-longitude": "15.05",
        },
    )
    assert response.status_code == 302
    link = service.service_at_locations.get(location__name="Annexe de Dembé")
    assert link.location.organisation == service.organisation
    response = client.post(
        base + "hours/",
        {
            "hours-weekdays": ["SA"],
            "hours-opens_at": "08:00",
            "hours-closes_at": "11:00",
            "hours-place": link.pk,
        },
    )
    assert service.schedules.get().service_at_location == link
    response = client.post(base + "contacts/", {"contact-name": ""})
    assert response.status_code == 422
    client.post(
        base + "contacts/", {"contact-name": "Infirmier major", "contact-phone": "+235 66 11 22 33"}
    )
    contact = service.contacts.get()
    text = client.get(base).content.decode()
    assert "Annexe de Dembé" in text and "+235 66 11 22 33" in text
    client.post(f"{base}contact/{contact.pk}/remove/")
    client.post(f"{base}place/{link.pk}/remove/")
    assert not service.contacts.exists() and not service.service_at_locations.exists()
    assert not service.schedules.exists()


def test_print_keeps_to_the_site_area(login, users, directory, world):
    far = Area.objects.get(code="TD-LO")
    directory["health"].service_areas.set([far])
    client = login(users["manager_td"])
    text = client.get(f"/directory/print/{directory['site_td'].code}/").content.decode()
    assert "Consultation prénatale" not in text
    assert "Déclaration de naissance tardive" in text


def test_worklist_panel_and_stale_filter(rf, login, users, directory, world):
    from django.utils import translation

    from orienta.directory.panels import worklist_panel

    request = rf.get("/")
    request.user = users["coordinator_mz"]
    with translation.override("en"):
        html = worklist_panel(request, [world["sites"]["mz"]])
    assert "1 entry has not been verified" in html and "stale=on" in html
    request.user = users["manager_td"]
    assert worklist_panel(request, [world["sites"]["td"]]) is None  # all verified
    request.user = users["agent_mz"]
    assert worklist_panel(request, [world["sites"]["mz"]]) is None  # agents do not edit
    client = login(users["me_hq"])
    text = client.get("/directory/?stale=on").content.decode()
    assert "Assistência jurídica" in text and "Consultation prénatale" not in text


def test_organisation_create_and_edit(login, users, world):
    from orienta.directory.models import OrganisationProfile

    client = login(users["coordinator_td"])
    data = {
        "name": "Centre de formation de Farcha",
        "kind": "public",
        "country": world["td"].pk,
        "area": world["area_mz"].pk,
        "website": "https://farcha.example",
    }
    response = client.post("/directory/organisations/new/", data)
    assert response.status_code == 422  # an area of another country
    data["area"] = world["area_td"].pk
    response = client.post("/directory/organisations/new/", data)
    assert response.status_code == 302
    org = Organisation.objects.get(name="Centre de formation de Farcha")
    assert response["Location"].endswith(f"/directory/services/new/?organisation={org.pk}")
    assert OrganisationProfile.objects.get(organisation=org).website == "https://farcha.example"
    data["description"] = "Formations courtes."
    response = client.post(f"/directory/organisations/{org.pk}/edit/", data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.profile.description == "Formations courtes." and org.version == 2
    data["country"] = world["mz"].pk
    response = client.post(f"/directory/organisations/{org.pk}/edit/", data)
    assert response.status_code == 422  # not a country the coordinator edits

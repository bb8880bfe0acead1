import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from orienta.core.models import Theme
from orienta.frontdesk.models import Visit
from orienta.frontdesk.services import visit_record

ANONYMOUS = {
    "themes": ["health"],
    "outcome": "informed",
    "anonymous_sex": "female",
    "anonymous_age_band": "15-24",
}


def record(site, by, person=None, occurred_at=None, themes=("health",), **extra):
    data = {
        "occurred_at": occurred_at or timezone.now(),
        "channel": "walk_in",
        "outcome": "informed",
        "themes": Theme.objects.filter(code__in=themes),
        "anonymous_sex": "male",
        "anonymous_age_band": "25-59",
        **extra,
    }
    return visit_record(site=site, by=by, data=data, person=person)


def ids(response):
    assert response.status_code == 200, response.content
    return {v["id"] for v in response.json()["items"]}


@pytest.fixture
def visits(world, users, persons):
    s = world["sites"]
    return {
        "td": record(s["td"], users["agent_td"], persons["person_td"]),
        "td_anonymous": record(s["td"], users["agent_td"]),
        "td2": record(s["td2"], users["agent_td2"], persons["person_td2"]),
        "mz": record(s["mz"], users["agent_mz"], persons["person_mz"]),
    }


# Reading


def test_visits_listed_are_those_in_scope(api, users, visits):
    assert ids(api(users["agent_td"]).get("/visits")) == {
        str(visits["td"].pk),
        str(visits["td_anonymous"].pk),
    }
    assert ids(api(users["coordinator_td"]).get("/visits")) == {
        str(visits[k].pk) for k in ("td", "td_anonymous", "td2")
    }
    assert ids(api(users["me_hq"]).get("/visits")) == set()


def test_a_visit_reads_with_its_documented_fields(api, users, persons, visits):
    items = api(users["agent_td"]).get("/visits", person=persons["person_td"].pk).json()["items"]

    [visit] = items
    assert visit["site"] == "TD-NDJ1"
    assert visit["person"] == str(persons["person_td"].pk)
    assert visit["person_code"] == persons["person_td"].code
    assert visit["agent"] == "agent_td"
    assert visit["themes"] == ["health"]
    assert (visit["channel"], visit["outcome"]) == ("walk_in", "informed")
    assert (visit["anonymous_sex"], visit["anonymous_age_band"]) == ("", "")
    assert {"occurred_at", "notes", "id"} <= set(visit)


def test_visits_filtered_by_site(api, users, visits):
    client = api(users["coordinator_td"])

    assert ids(client.get("/visits", site="TD-MOU1")) == {str(visits["td2"].pk)}
    assert ids(client.get("/visits", site="MZ-MPM1")) == set()


def test_visits_filtered_by_day_in_the_site_time_zone(api, users, world):
    site = world["sites"]["td"]  # Africa/Ndjamena, UTC+1
    late = record(
        site,
        users["agent_td"],
        occurred_at=datetime.datetime(2024, 3, 1, 23, 30, tzinfo=datetime.UTC),
    )
    record(
        site,
        users["agent_td"],
        occurred_at=datetime.datetime(2024, 3, 1, 22, 30, tzinfo=datetime.UTC),
    )

    assert ids(api(users["agent_td"]).get("/visits", date="2024-03-02")) == {str(late.pk)}


def test_visit_list_reads_in_a_fixed_number_of_queries(
    api, users, world, persons, django_assert_max_num_queries
):
    for i in range(10):
        record(
            world["sites"]["td"],
            users["agent_td"],
            persons["person_td"] if i % 2 else None,
            themes=("health", "gbv"),
        )
    client = api(users["agent_td"])

    # 6, and the access log's entry for the list: its count, then one SELECT and one INSERT.
    with django_assert_max_num_queries(9):
        response = client.get(
            "/visits",
            date=timezone.localdate(timezone=ZoneInfo(world["sites"]["td"].timezone)).isoformat(),
        )

    assert response.json()["count"] == 10


def test_a_bad_filter_is_a_422_on_the_query(api, users, field_errors):
    response = api(users["agent_td"]).get("/visits", date="yesterday")

    assert field_errors(response) == {"date": ["date_from_datetime_parsing"]}
    assert response.json()["detail"][0]["loc"] == ["query", "date"]


# Recording


def test_an_agent_records_a_visit_of_a_registered_person(api, users, persons):
    person = persons["person_td"]

    response = api(users["agent_td"]).post(
        "/visits",
        {
            "person": str(person.pk),
            "themes": ["civil_registration", "education"],
            "outcome": "oriented",
            "notes": "Needs a birth certificate.",
        },
    )

    assert response.status_code == 201, response.content
    visit = Visit.objects.get(pk=response.json()["id"])
    assert (visit.site.code, visit.person, visit.agent) == ("TD-NDJ1", person, users["agent_td"])
    assert sorted(visit.themes.values_list("code", flat=True)) == [
        "civil_registration",
        "education",
    ]
    assert response.json()["themes"] == ["civil_registration", "education"]


def test_a_visit_without_person_is_anonymous(api, users, world):
    response = api(users["agent_td"]).post("/visits", ANONYMOUS)

    assert response.status_code == 201, response.content
    visit = Visit.objects.get(pk=response.json()["id"])
    assert visit.person is None
    assert (visit.anonymous_sex, visit.anonymous_age_band) == ("female", "15-24")


def test_an_anonymous_visit_needs_sex_and_age(api, users, world, field_errors):
    response = api(users["agent_td"]).post("/visits", {"themes": ["health"], "outcome": "informed"})

    assert field_errors(response) == {
        "anonymous_sex": ["required"],
        "anonymous_age": ["required"],
    }
    assert not Visit.objects.exists()


def test_an_anonymous_visitor_s_age_is_kept_in_years(api, users, world, field_errors):
    body = {**ANONYMOUS, "anonymous_age": 31}
    del body["anonymous_age_band"]
    response = api(users["agent_td"]).post("/visits", body)

    assert response.status_code == 201, response.content
    assert (response.json()["anonymous_age"], response.json()["anonymous_age_band"]) == (
        31,
        "25-59",
    )
    too_old = api(users["agent_td"]).post("/visits", body | {"anonymous_age": 121})
    assert field_errors(too_old) == {"anonymous_age": ["max_value"]}
    assert Visit.objects.count() == 1


def test_a_visit_of_a_person_out_of_scope_is_a_field_error(api, users, persons, field_errors):
    response = api(users["agent_td"]).post(
        "/visits", {**ANONYMOUS, "person": str(persons["person_mz"].pk)}
    )

    assert field_errors(response) == {"person": ["invalid_choice"]}
    assert not Visit.objects.exists()


def test_a_visit_needs_a_theme(api, users, world, field_errors):
    response = api(users["agent_td"]).post("/visits", {**ANONYMOUS, "themes": []})

    assert field_errors(response) == {"themes": ["required"]}
    assert response.json()["detail"][0]["msg"] == "Choose at least one theme."
    assert not Visit.objects.exists()


def test_a_visit_cannot_be_in_the_future(api, users, world, field_errors):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()

    response = api(users["agent_td"]).post("/visits", {**ANONYMOUS, "occurred_at": future})

    assert field_errors(response) == {"occurred_at": ["future"]}
    assert not Visit.objects.exists()


def test_overlong_notes_are_refused(api, users, world, settings, field_errors):
    response = api(users["agent_td"]).post(
        "/visits", {**ANONYMOUS, "notes": "x" * (settings.MAX_NOTE_LENGTH + 1)}
    )

    assert field_errors(response) == {"notes": ["max_length"]}
    assert not Visit.objects.exists()


def test_an_unknown_theme_is_refused(api, users, world, field_errors):
    response = api(users["agent_td"]).post("/visits", {**ANONYMOUS, "themes": ["astrology"]})

    assert field_errors(response) == {"themes": ["invalid_choice"]}


def test_a_visit_at_a_site_of_another_country_is_refused(api, users, world, field_errors):
    response = api(users["agent_td"]).post("/visits", {**ANONYMOUS, "site": "MZ-MPM1"})

    assert field_errors(response) == {"site": ["invalid_choice"]}
    assert not Visit.objects.exists()


@pytest.mark.parametrize("role", ["manager_td", "agent_td2"])
def test_site_staff_record_at_their_site(api, users, world, role):
    site = users[role].sites.get()

    response = api(users[role]).post("/visits", ANONYMOUS)

    assert response.status_code == 201
    assert response.json()["site"] == site.code


@pytest.mark.parametrize("role", ["coordinator_td", "me_hq", "admin_user", "provider_user"])
def test_roles_that_do_not_record_cannot_record_a_visit(api, users, world, role):
    response = api(users[role]).post("/visits", {**ANONYMOUS, "site": "TD-NDJ1"})

    assert response.status_code == 403
    assert not Visit.objects.exists()

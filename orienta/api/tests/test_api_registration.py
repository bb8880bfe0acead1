"""Registration through the API: the sex is required, and consent is taken for each purpose
(given, refused, or not asked yet when left out)."""

from orienta.people.models import ConsentEvent, Person

NEW = {"given_name": "Zara", "family_name": "Okoye", "sex": "female"}


def _history(person):
    return [(e.purpose, e.given) for e in ConsentEvent.objects.filter(person=person)]


def test_the_api_refuses_a_registration_without_sex(api, users, world):
    response = api(users["agent_td"]).post("/persons", NEW | {"sex": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "sex"]


def test_the_api_records_the_consent_answers(api, users, world):
    response = api(users["agent_td"]).post(
        "/persons", NEW | {"consent_processing": "given", "consent_sharing": "refused"}
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert _history(person) == [("processing", True), ("sharing", False)]


def test_the_api_takes_consent_as_not_asked_yet_when_left_out(api, users, world):
    response = api(users["agent_td"]).post("/persons", NEW)
    assert response.status_code == 201
    assert _history(Person.objects.get(pk=response.json()["id"])) == []


def test_the_api_reads_the_earlier_booleans_as_given_and_not_asked(api, users, world):
    response = api(users["agent_td"]).post(
        "/persons", NEW | {"consent_processing": True, "consent_sharing": False}
    )
    assert response.status_code == 201
    assert _history(Person.objects.get(pk=response.json()["id"])) == [("processing", True)]


def test_the_api_records_a_refusal_of_processing(api, users, world):
    response = api(users["agent_td"]).post("/persons", NEW | {"consent_processing": "refused"})
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert _history(person) == [("processing", False)]


def test_the_openapi_document_says_consent_defaults_to_not_asked(api, users):
    schema = api(users["agent_td"]).get("/openapi.json").json()
    fields = schema["components"]["schemas"]["PersonCreateIn"]["properties"]
    for name in ("consent_processing", "consent_sharing"):
        assert fields[name]["default"] == "not_asked"
        assert "not_asked (not asked yet)" in fields[name]["description"]

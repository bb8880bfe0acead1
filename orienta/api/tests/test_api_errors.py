"""Bad input: one 422 shape, a translated message, and nothing written."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from orienta.core.models import Event
from orienta.people.models import Person

NEW = {"given_name": "Zara", "family_name": "Okoye", "sex": "female"}


@pytest.fixture
def register(api, users, world):
    """register(body) -> response, asserting that a refused request wrote nothing."""
    client = api(users["agent_td"])

    def post(body):
        before = (Person.objects.count(), Event.objects.count())
        response = client.post("/persons", body)
        if response.status_code != 201:
            assert (Person.objects.count(), Event.objects.count()) == before
        return response

    return post


def messages(response) -> dict[str, str]:
    return {item["loc"][-1]: item["msg"] for item in response.json()["detail"]}


def test_an_invalid_phone_is_refused(register, field_errors):
    response = register({**NEW, "phone": "12"})

    assert field_errors(response) == {"phone": ["invalid_phone"]}


def test_a_birth_date_in_the_future_is_refused(register, field_errors):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = register({**NEW, "birth_date": tomorrow.isoformat()})

    assert field_errors(response) == {"birth_date": ["future"]}
    assert messages(response)["birth_date"] == "The date of birth cannot be in the future."


def test_an_impossible_date_is_refused_with_a_readable_message(register, field_errors):
    response = register({**NEW, "birth_date": "1990-13-01"})

    assert field_errors(response) == {"birth_date": ["date_from_datetime_parsing"]}
    assert messages(response)["birth_date"] == "Enter a valid date."


def test_an_unknown_site_is_refused(register, field_errors):
    response = register({**NEW, "site": "XX-NOPE"})

    assert field_errors(response) == {"site": ["invalid_choice"]}
    assert messages(response)["site"] == "This site does not exist, or you cannot record at it."


def test_a_site_the_user_does_not_work_at_is_refused(register, field_errors):
    assert field_errors(register({**NEW, "site": "TD-MOU1"})) == {"site": ["invalid_choice"]}


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(register, field_errors, name):
    response = register({**NEW, "family_name": name})

    assert field_errors(response) == {"family_name": ["required"]}
    assert messages(response)["family_name"] == "This name cannot be empty."


def test_a_name_with_digits_is_refused(register, field_errors):
    assert field_errors(register({**NEW, "given_name": "Zara2"})) == {
        "given_name": ["invalid_name"]
    }


def test_oversized_text_is_refused(register, field_errors):
    response = register({**NEW, "occupation": "x" * 121, "locality": "y" * 121})

    assert field_errors(response) == {"occupation": ["max_length"], "locality": ["max_length"]}


def test_an_unknown_choice_is_refused(register, field_errors):
    response = register({**NEW, "sex": "unknown", "documents": ["library_card"]})

    assert field_errors(response) == {"sex": ["invalid_choice"], "documents": ["invalid_choice"]}


def test_a_wrong_type_is_refused_by_the_schema(register, field_errors):
    response = register({**NEW, "birth_date_estimated": "perhaps", "wg_seeing": "a lot"})

    assert field_errors(response) == {
        "birth_date_estimated": ["bool_parsing"],
        "wg_seeing": ["int_parsing"],
    }


def test_an_unknown_consent_answer_is_refused(register, field_errors):
    response = register({**NEW, "consent_processing": "perhaps"})

    assert field_errors(response) == {"consent_processing": ["invalid_choice"]}


def test_sharing_without_consent_to_processing_is_refused(register, field_errors):
    assert field_errors(register({**NEW, "consent_sharing": True})) == {
        "consent_sharing": ["invalid"]
    }


def test_malformed_json_is_a_422_not_a_500(register, field_errors):
    response = register('{"given_name": "Zara",')

    assert response["Content-Type"].startswith("application/json")
    assert field_errors(response) == {"": ["json_invalid"]}
    assert response.json()["detail"][0] == {
        "loc": ["body"],
        "msg": "The request body is not valid JSON.",
        "type": "json_invalid",
    }


def test_a_json_body_that_is_not_an_object_is_refused(register, field_errors):
    assert field_errors(register("[1, 2]")) == {"": ["json_type"]}


def test_a_body_that_is_not_utf8_is_refused(register, field_errors):
    assert field_errors(register(b'{"given_name": "\xff"}')) == {"": ["json_invalid"]}


def test_an_empty_body_is_refused(api, users, world, field_errors):
    response = api(users["agent_td"]).client.post(
        "/api/v1/persons",
        b"",
        content_type="application/json",
        headers=api(users["agent_td"]).headers,
    )

    assert field_errors(response) == {"": ["missing"]}


def test_an_id_that_is_not_a_uuid_is_not_found(api, users):
    assert api(users["agent_td"]).get("/persons/not-a-uuid").status_code == 404


def test_an_unknown_id_is_a_json_404(api, users, world):
    response = api(users["agent_td"]).get("/persons/0190a000-0000-7000-8000-000000000000")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def _catalogue(language: str) -> bool:
    return any(
        (Path(p) / language / "LC_MESSAGES" / "django.mo").exists() for p in settings.LOCALE_PATHS
    )


def test_messages_follow_the_request_language(api, users, world):
    def message(language, body):
        response = api(users["agent_td"], language=language).post("/persons", body)
        return response.json()["detail"][0]["msg"]

    assert message("en", {**NEW, "family_name": ""}) == "This name cannot be empty."
    if _catalogue("pt"):
        assert message("pt", {**NEW, "family_name": ""}) not in ("", "This name cannot be empty.")
    own = {**NEW, "given_name": "Zara2"}
    english = message("en", own)
    assert english == "A name may contain letters, spaces, hyphens and apostrophes only."
    if _catalogue("pt"):
        assert message("pt", own) != english


def test_schema_messages_use_django_translations(api, users, world):
    response = api(users["agent_td"], language="pt").post("/auth/token", {"username": "x"})

    assert response.json()["detail"][0]["msg"] == "Este campo é obrigatório."


def test_a_body_over_the_upload_limit_is_refused(register, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = register({**NEW, "occupation": "x" * 2000})

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_a_page_number_below_one_is_a_query_error(api, users, field_errors):
    response = api(users["agent_td"]).get("/persons", page=0)

    assert field_errors(response) == {"page": ["greater_than_equal"]}
    assert response.json()["detail"][0]["msg"] == "Enter a value greater than or equal to 1."


def test_a_search_longer_than_100_characters_is_a_query_error(api, users, field_errors):
    response = api(users["agent_td"]).get("/persons", q="a" * 101)

    assert field_errors(response) == {"q": ["string_too_long"]}
    assert response.json()["detail"][0]["msg"] == "Enter at most 100 characters."


def test_an_unknown_api_address_is_a_json_404(client):
    for path in ("/api/v1/nothing-here", "/api/v1/persons/not-a-uuid", "/api/v1/cases/123/close"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert "OpenAPI" in response.json()["detail"]

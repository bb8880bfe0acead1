"""Dates on pages in the user's language's format; date fields filled with ISO dates, the only
value `<input type="date">` takes, whatever the language."""

import re

import pytest

# Pages read against the committed catalogues, compiled afresh (not stale .mo files).
pytestmark = pytest.mark.usefixtures("compiled_catalogues")

BIRTH_DATE = {"fr": "4 mai 1990", "pt": "4 de maio de 1990", "en": "May 4, 1990"}


def _as(login, user, language):
    user.language = language
    user.save(update_fields=["language"])
    return login(user)


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_person_page_writes_the_date_of_birth_in_the_language(login, users, persons, language):
    client = _as(login, users["agent_td"], language)
    page = client.get(f"/people/{persons['person_td'].pk}/").text
    assert BIRTH_DATE[language].casefold() in page.casefold()


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_edit_form_keeps_the_date_of_birth(login, users, persons, language):
    client = _as(login, users["agent_td"], language)
    page = client.get(f"/people/{persons['person_td'].pk}/edit/").text
    field = re.search(r'<input type="date" name="birth_date"[^>]*>', page).group(0)
    assert 'value="1990-05-04"' in field

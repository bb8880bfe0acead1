"""The nationality list: countries named in the user's language, European Portuguese for
Portuguese, in alphabetical order whatever their accents."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from orienta.people.forms import nationality_choices


def _names(language):
    with translation.override(language):
        return [name for code, name in nationality_choices() if code]


def test_portuguese_names_are_european_portuguese(login, users):
    page = login(users["agent_mz"]).get(reverse("people:register")).text
    options = dict(re.findall(r'<option value="([A-Z]{2})">([^<]+)</option>', page))
    assert (options["AM"], options["EE"], options["KE"], options["VN"]) == (
        "Arménia",
        "Estónia",
        "Quénia",
        "Vietname",
    )


@pytest.mark.parametrize(
    "language,before,accented,after",
    [
        ("fr", "Dominique", "Égypte", "Érythrée"),
        ("fr", "Érythrée", "Espagne", "Estonie"),
        ("pt", "Austrália", "Áustria", "Azerbaijão"),
        ("en", "Cuba", "Curaçao", "Cyprus"),
    ],
)
def test_accented_names_sort_with_their_letter(language, before, accented, after):
    names = _names(language)
    assert names.index(before) < names.index(accented) < names.index(after)

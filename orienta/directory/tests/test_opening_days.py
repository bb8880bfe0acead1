"""Opening days are written in the reader's language, not as iCalendar codes (MO,TU…)."""

import re
from datetime import time

import pytest
from django.utils import translation

from orienta.directory.models import Schedule

# Pages read against the committed catalogues, compiled afresh (not stale .mo files).
pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def _days(weekdays, language):
    with translation.override(language):
        return Schedule(weekdays=weekdays, opens_at=time(8), closes_at=time(12)).days_label()


@pytest.mark.parametrize(
    "weekdays,language,label",
    [
        ("MO,TU,WE,TH,FR", "fr", "Lundi–Vendredi"),
        ("MO,TU,WE,TH,FR,SA", "pt", "Segunda-feira–Sábado"),
        ("TU,TH", "en", "Tuesday, Thursday"),
        ("MO,TU,TH,FR,SA", "en", "Monday, Tuesday, Thursday–Saturday"),
    ],
)
def test_days_are_named_in_the_language(weekdays, language, label):
    assert _days(weekdays, language) == label


def test_the_printed_directory_and_the_service_page_name_the_days(login, users, directory):
    agent = users["agent_td"]
    agent.language = "pt"
    agent.save(update_fields=["language"])
    client = login(agent)
    printed = client.get(f"/directory/print/{directory['site_td'].code}/").text
    detail = client.get(f"/directory/services/{directory['registry'].pk}/").text
    for page in (printed, detail):
        assert re.search(r"Segunda-feira–Sexta-feira( ·)? 07:30–15:30", page)
        assert "MO,TU" not in page

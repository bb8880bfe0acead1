"""The referral metrics name their months in the reader's language, not as 2026-12."""

import zoneinfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from orienta.referrals.tests.factories import make_referral

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
def test_the_months_are_named_in_the_language(login, users, persons, svcs, language):
    make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"])
    coordinator = users["coordinator_mz"]
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    page = login(coordinator).get("/referrals/metrics/").text
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Africa/Maputo"))  # the site's
    with translation.override(language):
        month = date_format(today, "YEAR_MONTH_FORMAT")
    assert f'href="?month={today:%Y-%m}">{month[0].upper()}{month[1:]}</a>' in page
    assert f">{today:%Y-%m}<" not in page

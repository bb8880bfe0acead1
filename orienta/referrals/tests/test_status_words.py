"""One word for one status: wherever a referral's status is shown or chosen (the agent's page,
the provider's page, the provider's link), it is the model's label for that status."""

import re

import pytest
from django.utils import translation

from orienta.referrals import services
from orienta.referrals.forms import AnswerForm
from orienta.referrals.models import Status
from orienta.referrals.tests.factories import make_referral

# Pages read against the committed catalogues, compiled afresh (not stale .mo files).
pytestmark = pytest.mark.usefixtures("compiled_catalogues")

LANGUAGES = ["fr", "pt", "en"]


def _labels(page: str) -> dict[str, str]:
    """The answer form's choices on a page: value -> label text."""
    found = re.findall(r'value="(\w+)"[^>]*>\s*([^<]+)</label>', page)
    return {value: " ".join(label.split()) for value, label in found}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_answer_begins_with_the_label_of_its_status(language):
    with translation.override(language):
        for value, label in AnswerForm().fields["status"].choices:
            assert str(label).startswith(str(Status(value).label)), (value, str(label))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_provider_pages_use_the_status_labels(client, login, users, persons, svcs, language):
    provider = users["provider_user"]
    provider.language = language
    provider.save(update_fields=["language"])
    referral = make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    link = services.link_for(referral=referral, by=users["agent_td"])
    with translation.override(language):
        accepted = str(Status.ACCEPTED.label)
    for page in (
        login(provider).get(f"/provider/referrals/{referral.pk}/").content.decode(),
        client.get(f"/r/{link.token}/", HTTP_ACCEPT_LANGUAGE=language).content.decode(),
    ):
        assert f'<html lang="{language}">' in page
        assert _labels(page)["accepted"].startswith(accepted)
    services.referral_accept(referral=referral, by=provider)
    listed = login(provider).get("/provider/referrals/").content.decode()
    assert f">{accepted}</span>" in listed

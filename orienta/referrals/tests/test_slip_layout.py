"""The slip is one A6 page in every language, whatever the length of what it prints: the code,
the QR code and the provider's instructions always on it, long texts shortened (the demo's
slips are checked in test_demo.py, with the demo loaded)."""

import io
from datetime import time
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from orienta.directory.models import Location, Schedule, ServiceAtLocation
from orienta.directory.services import cost_option_add
from orienta.directory.tests.factories import make_service
from orienta.referrals.models import Referral, ReferralLink, SharedField
from orienta.referrals.slip import long_date
from orienta.referrals.tests.factories import make_referral

LANGUAGES = ("fr", "pt", "en")
# The first words of the provider's instructions, in each language.
INSTRUCTIONS = {"fr": "Pour le prestataire", "pt": "Para o prestador", "en": "For the provider"}


def _reader(response) -> PdfReader:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _qr(reader) -> list[str]:
    images = reader.pages[0].images
    assert images, "no QR code on the first page"
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)))]


def _text(reader) -> str:
    return reader.pages[0].extract_text().replace("\n", " ")


def _printed(client, referral, lang) -> PdfReader:
    reader = _reader(client.get(f"/referrals/{referral.pk}/slip.pdf?lang={lang}"))
    assert len(reader.pages) == 1, f"{referral.code} in {lang}: {len(reader.pages)} pages"
    return reader


@pytest.fixture
def extreme(world, persons, users):
    """A referral whose service has everything at its longest: a 400-character address, 30
    documents, hours every day in several slots, ten fees; the site's address is long too."""
    site = world["sites"]["td"]
    site.address = "Quartier Chagoua, " * 16
    site.save()
    org = world["provider_org"]
    service = make_service(org, name="Service de " + "très " * 35 + "longue durée")
    service.required_documents = "\n".join(
        f"Document numéro {n} en original et deux copies certifiées" for n in range(1, 31)
    )
    service.save()
    for n in range(2):
        location = Location.objects.create(
            organisation=org,
            name=f"Antenne {n} " + "du centre " * 5,
            address_1=("Avenue Charles de Gaulle, près du grand marché, " * 9)[:200],
            city="N'Djamena",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    for opens, closes in ((time(7), time(9)), (time(10), time(12)), (time(14), time(17))):
        Schedule.objects.create(
            service=service, weekdays="MO,TU,WE,TH,FR,SA,SU", opens_at=opens, closes_at=closes
        )
    for n in range(10):
        cost_option_add(
            by=None, service=service, option=f"Copie {n} " + "certifiée " * 4, amount=500 + n
        )
    return make_referral(
        persons["person_td"],
        service,
        users["agent_td"],
        shared_fields=SharedField.values,
    )


def test_the_address_of_the_extreme_service_is_over_400_characters(extreme):
    from orienta.referrals.slip import service_address

    assert len(service_address(extreme.service)) > 400
    assert len(extreme.service.document_list()) == 30


@pytest.mark.parametrize("lang", LANGUAGES)
def test_extreme_lengths_are_shortened_never_pushed_to_a_second_page(login, users, extreme, lang):
    client = login(users["agent_td"])
    reader = _printed(client, extreme, lang)
    link = ReferralLink.objects.get(referral=extreme)
    assert _qr(reader) == [f"http://testserver/r/{link.token}/"]
    text = _text(reader)
    assert extreme.code in text and INSTRUCTIONS[lang] in text
    due = long_date(extreme.answer_due_at, lang, ZoneInfo(extreme.site.timezone))
    assert due in text  # the instructions are whole
    assert "Achta" in text and "Mahamat" in text  # the person comes first
    assert "..." in text  # what did not fit was shortened
    assert "Document numéro 30" not in text


@pytest.mark.parametrize(
    ("lang", "month"), [("fr", "décembre"), ("pt", "de dezembro de"), ("en", "December")]
)
def test_slip_dates_read_day_month_year_in_the_slip_language(
    login, users, persons, svcs, lang, month
):
    from datetime import UTC, datetime

    referral = make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=datetime(2026, 12, 4, 9, tzinfo=UTC),
        answer_due_at=datetime(2026, 12, 18, 9, tzinfo=UTC),
    )
    reader = _printed(login(users["agent_td"]), referral, lang)
    text = _text(reader)
    assert f"4 {month} 2026" in text and f"18 {month} 2026" in text
    assert "04/12/2026" not in text and "12/04/2026" not in text


def test_a_time_late_in_the_evening_is_dated_by_the_site_clock():
    from datetime import UTC, datetime

    evening = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)  # already the 5th in Maputo
    assert long_date(evening, "pt", ZoneInfo("Africa/Maputo")) == "5 de dezembro de 2026"
    assert long_date(evening, "en", ZoneInfo("UTC")) == "4 December 2026"

import io

import pytest
import zxingcpp
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from pypdf import PdfReader

from orienta.audit.models import AccessLogEntry
from orienta.directory.models import Schedule
from orienta.lib.pdf import latin1
from orienta.referrals.models import ReferralLink
from orienta.referrals.slip import fund_text, qr_image
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def referral(persons, svcs, users):
    service = svcs["td"]
    service.required_documents = "Carnet de santé\nActe de naissance"
    service.save()
    Schedule.objects.create(service=service, weekdays="MO,WE", opens_at="08:00", closes_at="12:00")
    return make_referral(persons["person_td"], service, users["agent_td"])


def _pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _decoded_qr(reader):
    images = reader.pages[0].images
    assert images, "the slip has no QR code image"
    image = Image.open(io.BytesIO(images[0].data))
    return [r.text for r in zxingcpp.read_barcodes(image)]


# Messages of the slip, checked in each language as the catalogues translate them.
SLIP_MESSAGES = ["Referral slip", "Documents to bring", "Opening hours", "Cost"]


@pytest.mark.parametrize(("lang", "monday"), [("fr", "lundi"), ("pt", "segunda-feira")])
def test_the_slip_is_printed_in_french_and_portuguese(login, referral, users, lang, monday):
    client = login(users["agent_td"])
    reader = _pdf(client.get(f"/referrals/{referral.pk}/slip.pdf?lang={lang}"))
    text = reader.pages[0].extract_text()
    assert referral.code in text
    assert "Achta" in text and "Mahamat" in text
    assert "Carnet de sant\xe9" in text and "Acte de naissance" in text
    assert "500 XAF" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert f"{monday}, " in text.lower() and "08:00-12:00" in text, text
    with translation.override(lang):
        expected = [latin1(gettext(m)) for m in SLIP_MESSAGES]
        expected.append(latin1(fund_text(None)))
    for message in expected:
        assert message in text.replace("\n", " "), message
    box = reader.pages[0].mediabox  # A6, in points
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        105,
        148,
    )


def test_the_qr_code_leads_to_the_confirmation_page_of_this_referral(
    client, login, referral, users
):
    agent = login(users["agent_td"])
    reader = _pdf(agent.get(f"/referrals/{referral.pk}/slip.pdf?lang=fr"))
    (url,) = _decoded_qr(reader)
    link = ReferralLink.objects.get(referral=referral)
    assert url == f"http://testserver/r/{link.token}/"
    page = client.get(url.removeprefix("http://testserver"))
    assert page.status_code == 200
    body = page.content.decode()
    assert referral.code in body and referral.service.name in body
    assert "Achta" in body and "Mahamat" in body  # shared, as on the slip
    assert referral.reason not in body and referral.person.code not in body


def test_the_public_address_is_used_when_set(login, referral, users, settings):
    settings.ORIENTA_PUBLIC_URL = "https://orienta.example.org"
    reader = _pdf(login(users["agent_td"]).get(f"/referrals/{referral.pk}/slip.pdf"))
    (url,) = _decoded_qr(reader)
    assert url.startswith("https://orienta.example.org/r/")


def test_reprinting_keeps_the_same_link(login, referral, users):
    agent = login(users["agent_td"])
    first = _decoded_qr(_pdf(agent.get(f"/referrals/{referral.pk}/slip.pdf")))
    second = _decoded_qr(_pdf(agent.get(f"/referrals/{referral.pk}/slip.pdf?lang=pt")))
    assert first == second
    assert ReferralLink.objects.filter(referral=referral).count() == 1


def test_printing_is_logged_as_a_print_of_the_person(login, referral, users):
    login(users["agent_td"]).get(f"/referrals/{referral.pk}/slip.pdf")
    entry = AccessLogEntry.objects.filter(action="print").get()
    assert entry.person == referral.person_id
    assert (entry.object_type, entry.object_id) == ("referral", referral.pk)


def test_the_qr_image_decodes_to_its_address():
    url = "https://orienta.example.org/r/abc_DEF-123/"
    assert [r.text for r in zxingcpp.read_barcodes(qr_image(url))] == [url]


def test_text_outside_latin1_is_mapped():
    assert latin1("l’enfant “ici” – œuvre …") == 'l\'enfant "ici" - oeuvre ...'
    assert latin1("Şerban") == "Serban"

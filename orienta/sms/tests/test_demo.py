"""The demo's SMS: messages in every country, delivered and priced, in the persons' language,
none about a referral that could reveal violence."""

from orienta.sms.models import OptOut, Purpose, SmsMessage, Status
from orienta.sms.outgoing import is_discreet


def test_every_country_has_delivered_and_priced_messages(demo_data):
    for country in ("TD", "MZ", "GW"):
        sent = SmsMessage.objects.filter(country__code=country, direction="out")
        assert sent.filter(purpose=Purpose.REFERRAL_CODE, status=Status.DELIVERED).exists()
        assert sent.filter(purpose=Purpose.REMINDER).exists(), country
        assert not sent.filter(cost__isnull=True).exclude(status=Status.FAILED).exists()
    assert SmsMessage.objects.filter(attempts=2).exists()
    assert OptOut.objects.exists()


def test_the_demo_writes_in_the_persons_language(demo_data):
    mz = SmsMessage.objects.filter(country__code="MZ", purpose=Purpose.REFERRAL_CODE)
    assert any("encaminhamento" in m.body for m in mz)
    td = SmsMessage.objects.filter(country__code="TD", purpose=Purpose.REFERRAL_CODE)
    assert any("votre orientation" in m.body for m in td)


def test_no_demo_message_about_a_discreet_referral(demo_data):
    for message in SmsMessage.objects.filter(referral__isnull=False, direction="out"):
        assert not is_discreet(message.referral)

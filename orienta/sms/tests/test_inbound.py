"""Incoming SMS: a provider's `<code> SERVI` closes the referral's loop exactly as the provider
page does; unknown codes and strangers get a clear reply and change nothing; STOP is honoured;
the gateway's secret is required."""

import json

import pytest
from django.test import TestCase

from orienta.audit.models import AccessLogEntry
from orienta.core.models import Organisation
from orienta.directory.models import Contact
from orienta.directory.tests.factories import make_service
from orienta.referrals.models import Actor, Referral, ReferralEvent, Status
from orienta.referrals.tests.factories import make_referral
from orienta.sms.models import OptOut, Purpose, SmsMessage
from orienta.sms.models import Status as SmsStatus
from orienta.sms.tests.conftest import SECRET, opt_in, sweep

PROVIDER_PHONE = "+23566999001"
CONTACT_PHONE = "+23566999002"


@pytest.fixture
def service(world):
    org = world["provider_org"]
    Organisation.objects.filter(pk=org.pk).update(phone="66 99 90 01")
    service = make_service(org, name="Consultation prénatale")
    Contact.objects.create(service=service, name="Infirmière", phone="+235 66 99 90 02")
    return service


@pytest.fixture
def referral(service, users, persons):
    return make_referral(persons["person_td"], service, users["agent_td"])


def receive(client, sender, text, *, secret=SECRET, message_id=""):
    """The gateway posts a message; the request commits (its reply is then handed over)."""
    body = {"from": sender, "text": text, "id": message_id}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/api/v1/sms/inbound",
            data=json.dumps(body),
            content_type="application/json",
            HTTP_X_ORIENTA_SMS_SECRET=secret,
        )


def replies(phone):
    return list(
        SmsMessage.objects.filter(direction="out", phone=phone).values_list("body", flat=True)
    )


def test_served_by_sms_closes_the_loop_as_the_provider_page_does(
    gateway, client, referral, service, users, persons
):
    # The same referral's twin, answered on the provider's page (through the slip's link).
    twin = make_referral(persons["person_td"], service, users["agent_td"])
    from orienta.referrals.services import link_for

    token = link_for(referral=twin, by=users["agent_td"]).token
    page = client.post(f"/r/{token}/", {"status": "served", "note": ""})
    assert page.status_code == 302, page.status_code

    response = receive(client, PROVIDER_PHONE, f"{referral.code.lower()} servi")

    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "action": "confirmed"}
    referral.refresh_from_db()
    twin.refresh_from_db()
    for field in ("status", "answered_at", "served_at", "closed_at"):
        assert bool(getattr(referral, field)) == bool(getattr(twin, field)), field
    assert referral.status == Status.SERVED
    assert referral.version == twin.version
    by_sms = ReferralEvent.objects.filter(referral=referral).last()
    by_page = ReferralEvent.objects.filter(referral=twin).last()
    assert (by_sms.verb, by_sms.from_status, by_sms.to_status) == (
        by_page.verb,
        by_page.from_status,
        by_page.to_status,
    )
    assert by_sms.actor == Actor.PROVIDER_SMS
    [reply] = replies(PROVIDER_PHONE)
    assert referral.code in reply and "servie" in reply  # in Chad's language
    incoming = SmsMessage.objects.get(direction="in")
    assert incoming.purpose == Purpose.CONFIRMATION and incoming.referral == referral


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("{code} RECU", Status.ACCEPTED),
        ("{code} reçu", Status.ACCEPTED),
        ("{code} RECEBIDO", Status.ACCEPTED),
        ("{code} aceite", Status.ACCEPTED),
        ("{code} RECEIVED", Status.ACCEPTED),
        ("{code} SERVIDO", Status.SERVED),
        ("{code} atendido", Status.SERVED),
        ("{code} served", Status.SERVED),
        ("{bare} SERVI", Status.SERVED),
    ],
)
def test_the_words_of_the_three_languages(gateway, client, referral, text, status):
    message = text.format(code=referral.code, bare=referral.code.replace("-", ""))
    assert receive(client, CONTACT_PHONE, message).json()["action"] == "confirmed"
    referral.refresh_from_db()
    assert referral.status == status


def test_an_answer_the_status_does_not_allow_is_explained(gateway, client, referral):
    receive(client, PROVIDER_PHONE, f"{referral.code} SERVI")
    response = receive(client, PROVIDER_PHONE, f"{referral.code} RECU")
    assert response.json()["action"] == "refused"
    referral.refresh_from_db()
    assert referral.status == Status.SERVED
    assert "ne peut pas" in replies(PROVIDER_PHONE)[0]


def test_an_unknown_code_gets_a_clear_reply_and_changes_nothing(gateway, client, referral):
    before = ReferralEvent.objects.count(), Referral.objects.get().version
    response = receive(client, PROVIDER_PHONE, "ZZZ-ZZZ SERVIDO")
    assert response.json()["action"] == "unknown"
    assert (ReferralEvent.objects.count(), Referral.objects.get().version) == before
    [reply] = replies(PROVIDER_PHONE)
    assert "ZZZ-ZZZ" in reply and "não é conhecido" in reply  # the word was Portuguese
    sweep()
    assert gateway.requests[-1]["body"]["text"] == reply


def test_a_spoofed_sender_cannot_confirm(gateway, client, referral):
    response = receive(client, "+23566000000", f"{referral.code} SERVI")
    assert response.json()["action"] == "unknown"
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    # The same answer as for a code that does not exist: no hint that the code is real.
    [reply] = replies("+23566000000")
    assert "n’est pas connu" in reply or "n'est pas connu" in reply


def test_another_countrys_provider_cannot_confirm_a_chad_referral(gateway, client, world, referral):
    org_mz = Organisation.objects.create(
        name="Conservatória", kind="public", country=world["mz"], phone="+258841110000"
    )
    make_service(org_mz, name="Registo")
    response = receive(client, "+258841110000", f"{referral.code} SERVIDO")
    assert response.json()["action"] == "unknown"
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert "não é conhecido" in replies("+258841110000")[0]


def test_stop_is_honoured_for_every_later_message(gateway, client, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    response = receive(client, person.phone, "Stop")
    assert response.json()["action"] == "opt_out"
    assert OptOut.objects.filter(phone=person.phone).exists()
    assert len(gateway.requests) == 1  # the confirmation of the opt-out, once
    make_referral(person, service, users["agent_td"])
    sweep()
    assert len(gateway.requests) == 1
    assert SmsMessage.objects.get(purpose=Purpose.REFERRAL_CODE).status == SmsStatus.BLOCKED


@pytest.mark.parametrize("word", ["ARRET", "arrêt", "PARAR"])
def test_stop_in_french_and_portuguese(gateway, client, word):
    receive(client, "+258841234567", word)
    assert OptOut.objects.filter(phone="+258841234567").exists()


def test_a_message_not_understood_gets_a_reply_in_the_senders_language(gateway, client):
    response = receive(client, "+258841234567", "Bom dia, quero informações")
    assert response.json()["action"] == "not_understood"
    assert "não compreendida" in replies("+258841234567")[0]


def test_replies_to_one_number_are_limited(gateway, client):
    for i in range(8):
        receive(client, "+258841234567", f"olá {i}")
    assert len(replies("+258841234567")) == 5


def test_the_same_message_received_twice_is_handled_once(gateway, client, referral):
    receive(client, PROVIDER_PHONE, f"{referral.code} RECU", message_id="in-1")
    response = receive(client, PROVIDER_PHONE, f"{referral.code} RECU", message_id="in-1")
    assert response.json()["action"] == "duplicate"
    assert len(replies(PROVIDER_PHONE)) == 1


@pytest.mark.parametrize("secret", ["", "wrong", SECRET + "x"])
def test_a_wrong_secret_is_refused_and_logged(gateway, client, referral, secret):
    response = receive(client, PROVIDER_PHONE, f"{referral.code} SERVI", secret=secret)
    assert response.status_code == 401
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert not SmsMessage.objects.exists()
    assert AccessLogEntry.objects.filter(
        action="refused", username="sms gateway", status=401
    ).exists()


def test_no_secret_configured_refuses_everything(gateway, client, referral, settings):
    settings.SMS_INBOUND_SECRET = ""
    assert receive(client, PROVIDER_PHONE, f"{referral.code} SERVI", secret="").status_code == 401


def test_twilio_callbacks(twilio, client, referral, users, persons):
    from orienta.sms.tests.test_twilio_signature import signed_post

    response = signed_post(
        client,
        "/api/v1/sms/inbound",
        {"From": PROVIDER_PHONE, "Body": f"{referral.code} SERVI", "MessageSid": "SM1"},
    )
    assert response.json()["action"] == "confirmed"
    sweep()
    reply = SmsMessage.objects.get(direction="out")
    assert reply.external_id.startswith("SM")
    status = signed_post(
        client,
        "/api/v1/sms/status",
        {"MessageSid": reply.external_id, "MessageStatus": "delivered"},
    )
    assert status.json() == {"updated": True}
    reply.refresh_from_db()
    assert reply.status == SmsStatus.DELIVERED

"""Twilio's callbacks are believed only with Twilio's signature (X-Twilio-Signature): a forged,
tampered or replayed-elsewhere callback is refused with 403 and changes nothing. The generic
HTTP gateway keeps its shared secret, and a Twilio signature means nothing to it."""

import json

import pytest
from django.test import TestCase

from orienta.audit.models import AccessLogEntry
from orienta.directory.tests.factories import make_service
from orienta.referrals.models import Status
from orienta.referrals.tests.factories import make_referral
from orienta.sms.gateways import TwilioBackend
from orienta.sms.models import SmsMessage
from orienta.sms.models import Status as SmsStatus
from orienta.sms.services import sms_attempt, sms_queue
from orienta.sms.tests.conftest import SECRET

TOKEN = "token-xyz"  # the twilio fixture's auth token
PUBLIC = "https://orienta.example.org"
PROVIDER_PHONE = "+23566999001"


def signed_post(client, path, params, *, token=TOKEN, url=None, **extra):
    """Post a form as Twilio does: signed with the auth token over the public URL called."""
    signature = TwilioBackend.signature(token, url or PUBLIC + path, params)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the request commits
        return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature, **extra)


@pytest.fixture
def referral(world, users, persons):
    from orienta.core.models import Organisation

    org = world["provider_org"]
    Organisation.objects.filter(pk=org.pk).update(phone="66 99 90 01")
    service = make_service(org, name="Consultation prénatale")
    return make_referral(persons["person_td"], service, users["agent_td"])


def served(referral):
    return {"From": PROVIDER_PHONE, "Body": f"{referral.code} SERVI", "MessageSid": "SM77"}


def test_the_signature_is_twilios_own_algorithm():
    # The example of Twilio's documentation ("Validating requests").
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert TwilioBackend.signature("12345", url, params) == "GvWf1cFY/Q7PnoempGyD5oXAezc="


def test_a_signed_confirmation_is_accepted(twilio, client, referral):
    response = signed_post(client, "/api/v1/sms/inbound", served(referral))
    assert response.status_code == 200 and response.json()["action"] == "confirmed"
    referral.refresh_from_db()
    assert referral.status == Status.SERVED


def assert_refused_and_unchanged(response, referral):
    assert response.status_code == 403
    assert "signature" in response.json()["detail"]
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    assert not SmsMessage.objects.filter(direction="in").exists()
    assert AccessLogEntry.objects.filter(
        action="refused", username="sms gateway", status=403
    ).exists()


def test_a_tampered_body_is_refused(twilio, client, referral):
    signature = TwilioBackend.signature(
        TOKEN, PUBLIC + "/api/v1/sms/inbound", {**served(referral), "Body": "HELLO"}
    )
    response = client.post(
        "/api/v1/sms/inbound", served(referral), HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert_refused_and_unchanged(response, referral)


def test_a_callback_replayed_to_another_address_is_refused(twilio, client, referral):
    # Signed for the delivery reports' address, posted to the incoming messages'.
    response = signed_post(
        client, "/api/v1/sms/inbound", served(referral), url=PUBLIC + "/api/v1/sms/status"
    )
    assert_refused_and_unchanged(response, referral)


@pytest.mark.parametrize("how", ["no signature", "another token", "the shared secret only"])
def test_an_unsigned_or_forged_callback_is_refused(twilio, client, referral, how):
    if how == "no signature":
        response = client.post("/api/v1/sms/inbound", served(referral))
    elif how == "another token":
        response = signed_post(client, "/api/v1/sms/inbound", served(referral), token="guess")
    else:
        response = client.post(
            f"/api/v1/sms/inbound?secret={SECRET}",
            served(referral),
            HTTP_X_ORIENTA_SMS_SECRET=SECRET,
        )
    assert_refused_and_unchanged(response, referral)


def test_a_tampered_delivery_report_changes_nothing(twilio, client, world):
    message = sms_queue(phone="+23566123456", body="Bonjour", purpose="other", enqueue=False)
    sms_attempt(message.pk)
    message.refresh_from_db()
    params = {"MessageSid": message.external_id, "MessageStatus": "delivered"}
    signature = TwilioBackend.signature(TOKEN, PUBLIC + "/api/v1/sms/status", params)
    forged = {**params, "MessageStatus": "undelivered"}
    response = client.post("/api/v1/sms/status", forged, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    ok = client.post("/api/v1/sms/status", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert ok.json() == {"updated": True}
    message.refresh_from_db()
    assert message.status == SmsStatus.DELIVERED


def test_without_an_auth_token_nothing_is_believed(twilio, client, referral, settings):
    settings.SMS_TWILIO_AUTH_TOKEN = ""
    response = signed_post(client, "/api/v1/sms/inbound", served(referral), token="")
    assert_refused_and_unchanged(response, referral)


def test_a_signed_json_callback_must_match_its_body(twilio, client, referral):
    import hashlib

    body = json.dumps(served(referral)).encode()
    path = f"/api/v1/sms/inbound?bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = TwilioBackend.signature(TOKEN, PUBLIC + path, {})
    tampered = json.dumps({**served(referral), "Body": "HELLO"}).encode()
    refused = client.post(
        path, tampered, content_type="application/json", HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert_refused_and_unchanged(refused, referral)
    accepted = client.post(
        path, body, content_type="application/json", HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert accepted.status_code == 200 and accepted.json()["action"] == "confirmed"


def test_the_http_gateway_keeps_its_shared_secret(gateway, client, referral):
    params = {"from": PROVIDER_PHONE, "text": f"{referral.code} SERVI"}
    signature = TwilioBackend.signature(TOKEN, PUBLIC + "/api/v1/sms/inbound", params)
    forged = client.post(
        "/api/v1/sms/inbound",
        json.dumps(params),
        content_type="application/json",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert forged.status_code == 401
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    genuine = client.post(
        "/api/v1/sms/inbound",
        json.dumps(params),
        content_type="application/json",
        HTTP_X_ORIENTA_SMS_SECRET=SECRET,
    )
    assert genuine.status_code == 200 and genuine.json()["action"] == "confirmed"

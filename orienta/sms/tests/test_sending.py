"""Outgoing SMS against the fake gateway on loopback: a referral's code and a reminder, in the
person's language, delivered; a retry after a failure; the delivery report; costs; opt-outs;
and nothing sent about a referral that could reveal violence."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orienta.cases.services import case_followup_plan
from orienta.cases.tests.factories import make_case
from orienta.core.models import Theme
from orienta.directory.tests.factories import make_service
from orienta.referrals.tests.factories import make_referral
from orienta.sms import gateways
from orienta.sms.models import OptOut, Purpose, SmsMessage, Status
from orienta.sms.services import segments, sms_queue, sms_status_update
from orienta.sms.tests.conftest import opt_in, sweep
from orienta.testing.clock import MORNING


@pytest.fixture
def service(world):
    return make_service(world["provider_org"], name="Consultation prénatale")


def test_a_referral_sends_its_code_and_address_in_the_persons_language(
    gateway, users, persons, service, clock
):
    person = opt_in(persons["person_td"], users["agent_td"], language="en")
    referral = make_referral(person, service, users["agent_td"])

    assert sweep().startswith("sms: 1 referral codes")

    [request] = gateway.requests
    assert request["headers"]["X-Api-Key"] == "key-123"
    body = request["body"]
    assert body["to"] == "+23566123456"
    assert referral.code in body["text"]
    assert "your referral" in body["text"] and "Consultation prénatale" in body["text"]
    assert body["callback_url"].startswith("https://orienta.example.org/api/v1/sms/status")
    message = SmsMessage.objects.get(referral=referral)
    assert message.status == Status.SENT
    assert message.external_id == "gw-1"
    assert message.cost == Decimal("0.0400") and message.cost_currency == "USD"
    # The sweep again, or later: nothing is sent twice.
    clock.shift(timedelta(minutes=15))
    sweep()
    assert len(gateway.requests) == 1


def test_the_sites_language_when_the_person_chose_none(gateway, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    sweep()
    assert "votre orientation" in gateway.requests[0]["body"]["text"]


def test_nothing_is_sent_without_the_persons_agreement(gateway, users, persons, service):
    make_referral(persons["person_td"], service, users["agent_td"])
    sweep()
    assert gateway.requests == []
    assert not SmsMessage.objects.exists()


def test_a_failed_attempt_is_retried_after_a_wait(gateway, users, persons, service, clock):
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    gateway.answers = [(503, {"error": "busy"})]

    sweep()
    message = SmsMessage.objects.get()
    assert message.status == Status.RETRY and message.attempts == 1
    assert "503" in message.last_error
    sweep()  # not due yet: no new attempt
    assert len(gateway.requests) == 1

    clock.shift(timedelta(minutes=2))
    sweep()
    message.refresh_from_db()
    assert len(gateway.requests) == 2
    assert message.status == Status.SENT and message.attempts == 2


def test_a_refused_message_is_not_retried(gateway, users, persons, service, clock):
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    gateway.answers = [(400, {"error": "invalid number"})]
    sweep()
    clock.shift(timedelta(hours=3))
    sweep()
    assert len(gateway.requests) == 1
    assert SmsMessage.objects.get().status == Status.FAILED


def test_attempts_stop_after_the_last_one(gateway, users, persons, service, clock, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    gateway.answers = [(503, {}), (503, {}), (503, {})]
    sweep()
    clock.shift(timedelta(minutes=2))
    sweep()
    clock.shift(timedelta(hours=3))
    sweep()
    assert len(gateway.requests) == 2
    assert SmsMessage.objects.get().status == Status.FAILED


def test_the_delivery_report_updates_the_message(gateway, client, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    sweep()
    report = {"id": "gw-1", "status": "delivered", "cost": "0.0350", "currency": "usd"}
    response = client.post(
        "/api/v1/sms/status?secret=s3cret-of-the-gateway",
        data=json.dumps(report),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    message = SmsMessage.objects.get()
    assert message.status == Status.DELIVERED and message.delivered_at is not None
    assert message.cost == Decimal("0.0350") and message.cost_currency == "USD"
    # A late "sent" does not undo the delivery.
    sms_status_update(backend="http", report=gateways.StatusReport("gw-1", "sent"))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_a_number_that_opted_out_gets_nothing_more(gateway, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    OptOut.objects.create(phone=person.phone, at=person.created_at, keyword="STOP")
    make_referral(person, service, users["agent_td"])
    sweep()
    assert gateway.requests == []
    assert SmsMessage.objects.get().status == Status.BLOCKED


def test_a_message_queued_before_the_opt_out_is_not_sent(gateway, users, persons, settings):
    settings.SMS_BACKEND = "orienta.sms.tests.test_sending.NeverCalled"
    person = opt_in(persons["person_td"], users["agent_td"])
    SmsMessage.objects.create(
        direction="out",
        purpose=Purpose.OTHER,
        phone=person.phone,
        body="x",
        status="retry",
        next_attempt_at=timezone.now(),
    )
    OptOut.objects.create(phone=person.phone, at=person.created_at, keyword="STOP")
    sweep()
    assert SmsMessage.objects.get().status == Status.BLOCKED


class NeverCalled(gateways.BaseBackend):
    def send(self, **kwargs):
        raise AssertionError("a message to a number that opted out reached the gateway")


@pytest.mark.parametrize("theme", ["gbv", "child_protection"])
def test_nothing_is_sent_about_a_referral_that_could_reveal_violence(
    gateway, world, users, persons, theme
):
    person = opt_in(persons["person_td"], users["agent_td"])
    shelter = make_service(
        world["provider_org"], name="Centre d’écoute", themes=[Theme.objects.get(code=theme)]
    )
    make_referral(person, shelter, users["agent_td"])
    sweep()
    assert gateway.requests == []


def test_nothing_is_sent_about_a_sensitive_case(gateway, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    case = make_case(person, users["agent_td"], sensitive=True)
    make_referral(person, service, users["agent_td"], case=case)
    sweep()
    assert gateway.requests == []


def test_a_reminder_the_day_before_a_follow_up(gateway, users, persons, clock):
    person = opt_in(persons["person_mz"], users["agent_mz"])
    case = make_case(person, users["agent_mz"])
    followup = case_followup_plan(
        case=case, by=users["agent_mz"], kind="office", due_on=MORNING.date() + timedelta(2)
    )
    sweep()
    assert gateway.requests == []  # not tomorrow yet
    clock.shift(timedelta(days=1))
    sweep()
    [request] = gateway.requests
    assert request["body"]["to"] == "+258841234567"
    assert "lembrete" in request["body"]["text"].lower()  # Mozambique's language
    assert "13 de março de 2026" in request["body"]["text"].lower()
    message = SmsMessage.objects.get()
    assert message.purpose == Purpose.REMINDER and message.key.startswith(f"followup:{followup.pk}")
    sweep()
    assert len(gateway.requests) == 1


def test_no_reminder_at_night(gateway, users, persons, clock):
    person = opt_in(persons["person_mz"], users["agent_mz"])
    case = make_case(person, users["agent_mz"])
    today = MORNING.date()
    case_followup_plan(case=case, by=users["agent_mz"], kind="phone", due_on=today + timedelta(1))
    clock.shift(timedelta(hours=14))  # 00:30 in Maputo
    sweep()
    assert gateway.requests == []


def test_twilio_shape(twilio, users, persons, service, settings):
    settings.SMS_COST_PER_SEGMENT = {"TD": "0.0900"}
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, service, users["agent_td"])
    sweep()
    [request] = twilio.requests
    account = "AC0123456789abcdef0123456789abcdef"
    assert request["path"] == f"/2010-04-01/Accounts/{account}/Messages.json"
    assert request["headers"]["Authorization"].startswith("Basic ")
    assert request["body"]["To"] == "+23566123456" and request["body"]["From"] == "ORIENTA"
    message = SmsMessage.objects.get()
    assert message.external_id.startswith("SM") and message.status == Status.SENT
    # Twilio gives no price at once: the configured price per SMS stands in.
    assert message.cost == Decimal("0.0900") * message.segments


def test_segments():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2
    assert segments("ç" * 70) == 1  # not in the GSM alphabet: 70 a message
    assert segments("ç" * 71) == 2


def test_a_message_needs_a_number():
    with pytest.raises(ValueError):
        sms_queue(phone="", body="x", purpose=Purpose.OTHER)


def test_a_message_a_worker_lost_while_sending_is_sent_again(gateway, users, persons, clock):
    person = opt_in(persons["person_td"], users["agent_td"])
    message = SmsMessage.objects.create(
        direction="out", purpose=Purpose.OTHER, phone=person.phone, body="x", status="sending"
    )
    sweep()
    assert gateway.requests == []  # it may still be on its way
    clock.shift(timedelta(minutes=11))
    sweep()
    message.refresh_from_db()
    assert message.status == Status.SENT and len(gateway.requests) == 1

"""A message is handed to the task queue when the change it is about commits — not before,
not for a change rolled back — and a page never waits for the gateway: with the database queue
(production) the request only leaves the task's row for the worker. The sweep stays the
catch-up for a hand-over that was lost."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from orienta.cases.services import case_followup_plan
from orienta.cases.tests.factories import make_case
from orienta.core.tests.test_task_queue import DATABASE_QUEUE
from orienta.directory.tests.factories import make_service
from orienta.referrals.models import Referral
from orienta.referrals.tests.factories import make_referral
from orienta.sms.models import Purpose, SmsMessage, Status
from orienta.sms.tests.conftest import opt_in, sweep
from orienta.testing.clock import MORNING

pytestmark = pytest.mark.django_db(transaction=True)


class Undo(Exception):
    pass


@pytest.fixture
def service(world):
    return make_service(world["provider_org"], name="Consultation prénatale")


def test_the_code_reaches_the_gateway_after_the_commit_and_not_before(
    gateway, users, persons, service
):
    person = opt_in(persons["person_td"], users["agent_td"])
    with transaction.atomic():
        referral = make_referral(person, service, users["agent_td"])
        assert gateway.requests == []  # not before the referral is saved for good
        assert not SmsMessage.objects.exists()
    [request] = gateway.requests  # at once, without waiting for the sweep
    assert referral.code in request["body"]["text"]
    message = SmsMessage.objects.get(referral=referral)
    assert (message.purpose, message.status) == (Purpose.REFERRAL_CODE, Status.SENT)
    assert sweep().startswith("sms: 0 referral codes")  # the sweep finds it done
    assert len(gateway.requests) == 1


def test_a_rolled_back_referral_sends_nothing(gateway, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    with pytest.raises(Undo), transaction.atomic():
        make_referral(person, service, users["agent_td"])
        raise Undo
    assert not Referral.objects.exists()
    assert gateway.requests == [] and not SmsMessage.objects.exists()


def test_a_message_queued_in_a_transaction_rolled_back_is_not_sent(gateway, users, persons):
    from orienta.sms.services import sms_queue

    with pytest.raises(Undo), transaction.atomic():
        sms_queue(phone="+23566123456", body="Bonjour", purpose=Purpose.OTHER)
        raise Undo
    assert gateway.requests == [] and not SmsMessage.objects.exists()


def test_without_the_persons_agreement_nothing_is_queued(gateway, users, persons, service):
    make_referral(persons["person_td"], service, users["agent_td"])
    assert gateway.requests == [] and not SmsMessage.objects.exists()


def test_the_page_does_not_wait_for_the_gateway(gateway, login, users, persons, service):
    person = opt_in(persons["person_td"], users["agent_td"])
    client = login(users["agent_td"])
    data = {
        "person": str(person.pk),
        "service": str(service.pk),
        "urgency": "soon",
        "reason": "Pregnant, no antenatal visit yet",
        "shared_fields": ["given_name"],
        "step": "send",
    }
    with override_settings(TASKS=DATABASE_QUEUE):
        from django_tasks_db.models import DBTaskResult

        page = client.post("/referrals/new/", data)
        assert page.status_code == 302
        message = SmsMessage.objects.get(purpose=Purpose.REFERRAL_CODE)
        assert message.status == Status.QUEUED
        assert gateway.requests == []  # the request only left the task for the worker
        [waiting] = DBTaskResult.objects.filter(status="READY")
        assert waiting.args_kwargs["args"] == [str(message.pk)]

        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
    assert len(gateway.requests) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_a_reminder_planned_for_tomorrow_is_queued_when_it_is_planned(
    gateway, users, persons, clock
):
    person = opt_in(persons["person_td"], users["agent_td"])
    case = make_case(person, users["agent_td"])
    tomorrow = MORNING.date() + timedelta(days=1)
    case_followup_plan(case=case, due_on=tomorrow, kind="office", by=users["agent_td"])
    message = SmsMessage.objects.get(purpose=Purpose.REMINDER)
    assert message.status == Status.SENT and len(gateway.requests) == 1


def test_the_sweep_hands_over_a_message_whose_hand_over_was_lost(
    gateway, users, persons, service, clock, settings
):
    person = opt_in(persons["person_td"], users["agent_td"])
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    make_referral(person, service, users["agent_td"])  # handed to a queue that loses it
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    message = SmsMessage.objects.get()
    assert message.status == Status.QUEUED and gateway.requests == []
    assert sweep().endswith("0 retried")  # it may still be in the queue: left alone
    clock.shift(timedelta(minutes=6))
    assert sweep().endswith("1 retried")
    message.refresh_from_db()
    assert message.status == Status.SENT and len(gateway.requests) == 1

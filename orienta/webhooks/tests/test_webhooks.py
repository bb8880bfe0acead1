"""Webhooks end to end, against a real HTTP server on loopback: a referral or a case changes,
the subscriber of its scope gets a signed, minimal event through the task queue; failures are
retried with growing delays, and a subscriber that keeps failing is disabled with a notice."""

import json
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orienta.cases.services import case_close, case_open
from orienta.core.models import Event, Organisation
from orienta.referrals.services import referral_serve
from orienta.referrals.tests.factories import make_referral
from orienta.webhooks import services, signing, tasks
from orienta.webhooks.models import Delivery, DeliveryStatus, Subscription
from orienta.webhooks.sealing import unseal


def subscribe(by, country, url, events=("referral.sent",), organisation=None, name="Partner"):
    return services.subscription_create(
        by=by, name=name, url=url, events=events, country=country, organisation=organisation
    )


@pytest.fixture
def td_hook(world, users, receiver):
    return subscribe(users["coordinator_td"], world["td"], receiver.url + "/td")


def test_a_referral_sent_reaches_the_subscriber_signed(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    subscription, secret = td_hook
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/td"
    assert got.headers["X-Orienta-Event"] == "referral.sent"
    assert signing.verify(
        secret,
        timestamp=got.headers["X-Orienta-Timestamp"],
        signature_header=got.headers["X-Orienta-Signature"],
        body=got.body,
        now=time.time(),
    )
    payload = got.json()
    assert payload["event"] == "referral.sent"
    assert (payload["country"], payload["site"]) == ("TD", "TD-NDJ1")
    assert payload["data"]["referral"]["code"] == referral.code
    assert payload["data"]["referral"]["status"] == "sent"
    delivery = Delivery.objects.get()
    assert got.headers["X-Orienta-Delivery"] == str(delivery.pk)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.duration_ms is not None


def test_a_changed_body_a_wrong_secret_or_an_old_timestamp_fail_the_check(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    _subscription, secret = td_hook
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    got = receiver.received[0]
    stamp, sign = got.headers["X-Orienta-Timestamp"], got.headers["X-Orienta-Signature"]
    now = time.time()
    assert signing.verify(secret, timestamp=stamp, signature_header=sign, body=got.body, now=now)
    tampered = got.body.replace(b'"sent"', b'"served"')
    assert not signing.verify(
        secret, timestamp=stamp, signature_header=sign, body=tampered, now=now
    )
    assert not signing.verify(
        "another", timestamp=stamp, signature_header=sign, body=got.body, now=now
    )
    later = now + 10 * 60  # replayed ten minutes later
    assert not signing.verify(
        secret, timestamp=stamp, signature_header=sign, body=got.body, now=later
    )
    # The timestamp is part of what is signed: a fresh one on an old signature fails.
    fresh = str(int(later))
    assert not signing.verify(
        secret, timestamp=fresh, signature_header=sign, body=got.body, now=later
    )


def test_the_payload_carries_no_personal_data(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    person = persons["person_td"]
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(
            person, svcs["td"], users["agent_td"], reason="Violences conjugales, urgent"
        )
        referral_serve(referral=referral, by=users["agent_td"], note="Reçue par Dr Abakar")
    body = receiver.received[0].body.decode()
    for personal in (
        person.given_name,
        person.family_name,
        person.phone,
        str(person.birth_date),
        str(person.pk),
        "Violences",
        "Abakar",
    ):
        assert personal not in body
    payload = json.loads(body)
    assert set(payload) == {"id", "event", "occurred_at", "country", "site", "data"}
    assert set(payload["data"]["referral"]) == {
        "id",
        "code",
        "status",
        "urgency",
        "service",
        "organisation",
        "sent_at",
        "answer_due_at",
        "answered_at",
        "served_at",
        "closed_at",
    }
    # Not subscribed to referral.served: nothing else was sent.
    assert len(receiver.received) == 1


def test_a_500_is_retried_later_and_later_until_it_is_delivered(
    world, users, persons, svcs, receiver, td_hook, clock, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("retrying", 1, 500)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == timedelta(seconds=60)
    tasks.run()  # not due yet
    assert len(receiver.received) == 1
    clock.shift(timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retrying", 2)
    assert delivery.next_attempt_at - delivery.last_attempt_at == 2 * first_wait
    clock.shift(timedelta(seconds=121))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    ids = {got.headers["X-Orienta-Delivery"] for got in receiver.received}
    assert ids == {str(delivery.pk)} and len(receiver.received) == 3
    subscription = Subscription.objects.get()
    assert subscription.failure_streak == 0 and subscription.active


def test_a_delivery_run_twice_is_sent_once(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    delivery = Delivery.objects.get()
    assert services.delivery_attempt(delivery_id=delivery.pk) == "not due"
    tasks.deliver.call(str(delivery.pk))
    assert len(receiver.received) == 1


def test_repeated_failures_disable_the_subscription_with_a_notice(
    client,
    world,
    users,
    persons,
    svcs,
    receiver,
    td_hook,
    clock,
    django_capture_on_commit_callbacks,
):
    for name in ("admin_user", "coordinator_td", "coordinator_mz"):
        users[name].email = f"{name}@example.org"
        users[name].save()
    receiver.default = 500
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    for _attempt in range(2):
        clock.shift(timedelta(minutes=10))
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run()
    subscription = Subscription.objects.get()
    assert not subscription.active and subscription.disabled_reason == "failures"
    assert subscription.failure_streak == 3
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == ["admin_user@example.org", "coordinator_td@example.org"]
    assert "Partner" in mail.outbox[0].subject
    # Nothing more is sent to it.
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td2"], svcs["td"], users["agent_td2"])
    assert len(receiver.received) == 3 and Delivery.objects.count() == 1
    # The page says so, in a banner, until it is enabled again.
    client.force_login(users["admin_user"])
    page = client.get("/webhooks/")
    assert page.status_code == 200 and 'role="alert"' in page.text and "Partner" in page.text
    services.subscription_enable(subscription=subscription, by=users["coordinator_td"])
    assert 'role="alert"' not in client.get("/webhooks/").text


def test_a_chad_subscription_never_receives_a_mozambique_event(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    subscribe(users["coordinator_mz"], world["mz"], receiver.url + "/mz")
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_mz"], svcs["mz"], users["agent_mz"])
    assert [got.path for got in receiver.received] == ["/mz"]
    assert receiver.received[0].json()["country"] == "MZ"


def test_an_event_nobody_subscribes_to_is_passed_over_with_one_query(
    world, users, persons, svcs, receiver, django_assert_num_queries
):
    """Without a subscription to it, an event's referral or case is not read: one query (the
    subscriptions) instead of the facts' own."""
    referral = make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    sent = Event.objects.get(object_type="referrals.referral", verb="referral_send")
    subscribe(users["coordinator_td"], world["td"], receiver.url + "/cases", events=["case.opened"])
    with django_assert_num_queries(1):
        assert services.deliveries_for_event(sent) == []
    # Subscribed to it, the same entry gives its delivery.
    subscribe(users["coordinator_td"], world["td"], receiver.url + "/td")
    (delivery,) = services.deliveries_for_event(sent)
    assert delivery.payload["data"]["referral"]["code"] == referral.code


def test_an_organisation_subscription_receives_only_what_concerns_it(
    world, users, persons, svcs, receiver, django_capture_on_commit_callbacks
):
    td, admin = world["td"], users["admin_user"]
    other = Organisation.objects.create(name="ONG sans lien", kind="ngo", country=td)
    subscribe(admin, td, receiver.url + "/provider", organisation=world["provider_org"])
    subscribe(admin, td, receiver.url + "/other", organisation=other)
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
    assert [got.path for got in receiver.received] == ["/provider"]


def test_case_events_are_sent_but_never_those_of_a_sensitive_case(
    world, users, persons, svcs, receiver, django_capture_on_commit_callbacks
):
    agent = users["agent_td"]
    subscribe(
        users["admin_user"],
        world["td"],
        receiver.url,
        events=("case.opened", "case.closed", "referral.sent"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = case_open(person=persons["person_td"], by=agent, assessment="Menacée par son mari")
        case_close(case=case, by=agent, reason="needs_met")
        hidden = case_open(person=persons["person_td"], by=agent, sensitive=True)
        make_referral(persons["person_td"], svcs["td"], agent, case=hidden)
    events = [got.json()["event"] for got in receiver.received]
    assert events == ["case.opened", "case.closed"]
    closed = receiver.received[1].json()["data"]["case"]
    assert closed == {
        "id": str(case.pk),
        "code": case.code,
        "status": "closed",
        "closure_reason": "needs_met",
        "opened_at": closed["opened_at"],
        "closed_at": closed["closed_at"],
    }
    assert "Menacée" not in receiver.received[0].body.decode()


def test_nothing_is_sent_for_work_that_was_rolled_back(
    world, users, persons, svcs, receiver, td_hook, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
        raise RuntimeError
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_test_send_pings_the_address_once(
    world, users, receiver, td_hook, django_capture_on_commit_callbacks
):
    subscription, secret = td_hook
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.subscription_test(subscription=subscription, by=users["coordinator_td"])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 503)
    assert receiver.received[0].headers["X-Orienta-Event"] == "ping"
    subscription.refresh_from_db()
    assert subscription.failure_streak == 0  # a test does not count against the partner


def test_the_secret_is_stored_sealed(world, users, td_hook, settings):
    subscription, secret = td_hook
    stored = Subscription.objects.get().secret_sealed
    assert secret not in stored and unseal(stored) == secret
    running = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key"
    from orienta.webhooks.sealing import SecretUnreadable

    with pytest.raises(SecretUnreadable):
        unseal(stored)
    settings.SECRET_KEY_FALLBACKS = [running]  # the key the tests run with, kept as a fallback
    assert unseal(stored) == secret


def test_a_subscription_is_only_made_for_ones_country(world, users, receiver):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        subscribe(users["coordinator_td"], world["mz"], receiver.url)
    with pytest.raises(PermissionDenied):
        subscribe(users["me_hq"], world["td"], receiver.url)
    with pytest.raises(services.WebhookRefused):
        subscribe(
            users["admin_user"],
            world["mz"],
            receiver.url,
            organisation=world["provider_org"],  # a Chad organisation
        )
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_the_database_queue_a_retry_waits_in_the_queue_for_its_time(
    world, users, persons, svcs, receiver, clock
):
    """Production's queue (django-tasks-db) holds the retry until its time; the worker sends
    it then, and the catch-up of `run_tasks` has nothing to do."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from orienta.core.tests.test_task_queue import DATABASE_QUEUE

    def work():
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())

    receiver.answers = [500]
    with override_settings(TASKS=DATABASE_QUEUE):
        subscribe(users["coordinator_td"], world["td"], receiver.url)
        make_referral(persons["person_td"], svcs["td"], users["agent_td"])
        assert receiver.received == []  # handed to the queue, not sent by the request
        work()
        delivery = Delivery.objects.get()
        assert (delivery.status, len(receiver.received)) == ("retrying", 1)
        waiting = DBTaskResult.objects.filter(status="READY").get()
        assert waiting.run_after == delivery.next_attempt_at
        work()  # not its time yet
        assert len(receiver.received) == 1
        assert tasks.run().startswith("webhooks: 0 deliveries handed to the queue")
        clock.shift(timedelta(seconds=61))
        work()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, len(receiver.received)) == ("delivered", 2, 2)


def test_finished_deliveries_are_forgotten_after_the_log_period(world, users, td_hook, clock):
    subscription, _secret = td_hook

    def delivery(status, days):
        return Delivery.objects.create(
            subscription=subscription,
            event="referral.sent",
            payload={},
            status=status,
            created_at=timezone.now() - timedelta(days=days),
        )

    old = delivery(DeliveryStatus.DELIVERED, 91)
    old_failed = delivery(DeliveryStatus.FAILED, 91)
    recent = delivery(DeliveryStatus.DELIVERED, 89)
    waiting = delivery(DeliveryStatus.RETRYING, 91)
    waiting.next_attempt_at = timezone.now() + timedelta(hours=1)
    waiting.save()
    assert tasks.run() == "webhooks: 0 deliveries handed to the queue, 2 old ones forgotten"
    left = set(Delivery.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk} and old.pk not in left and old_failed.pk not in left

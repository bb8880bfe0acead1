"""The person's agreement to SMS, asked at registration with the language of the messages,
kept in the consent history like the other purposes; and the queue's deferred retries."""

from datetime import timedelta

from django.tasks import task_backends
from django.urls import reverse

from orienta.people.models import ConsentEvent, Person
from orienta.referrals.tests.factories import make_referral
from orienta.sms import tasks
from orienta.sms.models import SmsMessage, Status
from orienta.sms.tests.conftest import opt_in, sweep


def test_registration_asks_for_sms_and_the_language(login, users, world):
    client = login(users["agent_td"])
    response = client.post(
        reverse("people:register"),
        {
            "site": "TD-NDJ1",
            "given_name": "Halimé",
            "family_name": "Abakar",
            "sex": "female",
            "migration_status": "national",
            "phone": "66 12 34 99",
            "consent_processing": "given",
            "consent_sharing": "refused",
            "consent_sms": "given",
            "language": "en",
            "confirm_new": "1",
        },
    )
    assert response.status_code == 302, response.content
    person = Person.objects.get(given_name="Halimé")
    assert person.consent_sms and person.language == "en"
    assert ConsentEvent.objects.filter(person=person, purpose="sms", given=True).exists()


def test_the_registration_page_shows_the_sms_question(login, users, world):
    page = login(users["agent_td"]).get(reverse("people:register") + "?site=TD-NDJ1").text
    assert 'name="consent_sms"' in page and 'name="language"' in page


def test_an_unknown_language_is_refused(login, users, world):
    client = login(users["agent_td"])
    client.post(
        reverse("people:register"),
        {
            "site": "TD-NDJ1",
            "given_name": "Halimé",
            "family_name": "Abakar",
            "sex": "female",
            "migration_status": "national",
            "consent_processing": "not_asked",
            "language": "xx",
            "confirm_new": "1",
        },
    )
    assert not Person.objects.filter(given_name="Halimé").exists()


def test_a_queue_that_can_wait_gets_the_retry_at_its_time(gateway, users, persons, settings):
    from orienta.directory.tests.factories import make_service

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    person = opt_in(persons["person_td"], users["agent_td"])
    make_referral(person, make_service(person.site.organisation), users["agent_td"])
    gateway.answers = [(503, {})]
    sweep()
    [first] = backend.results
    tasks.send_message.call(*first.args)  # the worker runs it: the gateway is busy
    message = SmsMessage.objects.get()
    assert message.status == Status.RETRY
    retry = backend.results[-1]
    assert retry.task.run_after == message.next_attempt_at
    assert message.next_attempt_at - message.updated_at >= timedelta(seconds=55)

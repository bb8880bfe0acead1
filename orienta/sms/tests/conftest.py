import pytest

from orienta.people.rights import consent_give
from orienta.sms.tests.gateway import FakeGateway

SECRET = "s3cret-of-the-gateway"


@pytest.fixture
def gateway(settings, world):
    """The generic HTTP backend, pointed at a fake gateway on loopback."""
    with FakeGateway() as fake:
        settings.SMS_BACKEND = "orienta.sms.gateways.HttpBackend"
        settings.SMS_HTTP_URL = f"{fake.url}/send"
        settings.SMS_HTTP_AUTH_HEADER = "X-Api-Key"
        settings.SMS_HTTP_AUTH_VALUE = "key-123"
        settings.SMS_INBOUND_SECRET = SECRET
        settings.ORIENTA_PUBLIC_URL = "https://orienta.example.org"
        yield fake


@pytest.fixture
def twilio(settings, world):
    """The Twilio backend, its API's address pointed at the fake gateway."""
    with FakeGateway() as fake:
        settings.SMS_BACKEND = "orienta.sms.gateways.TwilioBackend"
        settings.SMS_TWILIO_API_URL = f"{fake.url}/2010-04-01"
        settings.SMS_TWILIO_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef"
        settings.SMS_TWILIO_AUTH_TOKEN = "token-xyz"
        settings.SMS_TWILIO_FROM = "ORIENTA"
        settings.SMS_INBOUND_SECRET = SECRET
        settings.ORIENTA_PUBLIC_URL = "https://orienta.example.org"
        yield fake


def opt_in(person, by, language=""):
    """The person agreed to SMS (and to the processing of their data)."""
    for purpose in ("processing", "sharing", "sms"):
        consent_give(person=person, purpose=purpose, by=by)
    if language:
        type(person).objects.filter(pk=person.pk).update(language=language)
    person.refresh_from_db()
    return person


def sweep(now=None):
    """The scheduled sweep as cron runs it, outside any transaction: what it queues is handed
    to the queue (the tests' immediate one sends it) when its transaction commits."""
    from django.test import TestCase

    from orienta.sms import tasks

    with TestCase.captureOnCommitCallbacks(execute=True):
        return tasks.run(now)

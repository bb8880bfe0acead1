"""Every SMS route for every role, in and out of scope: the log shows each role its own
country's or site's messages, M&E and administrators no number and no text; the gateway's
callbacks answer nobody without the secret."""

import pytest
from django.urls import get_resolver

from orienta.api.v1 import api
from orienta.core.models import Organisation
from orienta.core.tests.test_access_matrix import _walk
from orienta.directory.tests.factories import make_service
from orienta.referrals.models import Status as ReferralStatus
from orienta.referrals.tests.factories import make_referral
from orienta.sms.models import SmsMessage
from orienta.sms.tests import access
from orienta.testing import access as matrix

BODY = {"in": "Orientation TD secrète", "out": "Encaminhamento MZ secreto"}


def test_every_sms_route_is_in_the_matrix():
    pages = {name for name in _walk(get_resolver().url_patterns) if name.startswith("sms:")}
    assert pages == set(access.ROUTES)
    paths = api.get_openapi_schema()["paths"]
    routes = {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        if path.startswith("/api/v1/sms")
        for method in ops
    }
    assert routes == set(access.API_ROUTES)


def objects(where, site, person, agent, provider_phone):
    org = Organisation.objects.create(
        name=f"Prestataire {where}", kind="public", country=site.country, phone=provider_phone
    )
    referral = make_referral(person, make_service(org, name=f"Service {where}"), agent)
    message = SmsMessage.objects.create(
        site=site,
        country=site.country,
        direction="out",
        purpose="referral_code",
        phone=person.phone,
        body=BODY[where],
        status="sent",
        backend="http",
        external_id=f"gw-{where}",
    )
    return {
        "site": site,
        "referral": referral,
        "message": message,
        "provider_phone": provider_phone,
    }


@pytest.fixture
def scope(world, users, persons, settings):
    settings.SMS_INBOUND_SECRET = "the-gateway-secret"
    settings.SMS_BACKEND = "orienta.sms.gateways.HttpBackend"
    s = world["sites"]
    return {
        "in": objects("in", s["td"], persons["person_td"], users["agent_td"], "+23566999001"),
        "out": objects("out", s["mz"], persons["person_mz"], users["agent_mz"], "+258841110000"),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if response.status_code != 200:
            return
        for where in ("in", "out"):
            message = scope[where]["message"]
            listed = f"· {scope[where]['site'].code} ·" in response.text
            assert listed == (role in access.SEES[where]), f"{where} listed: {listed}"
            reads = role in access.READS_TEXT and listed
            assert (BODY[where] in response.text) == reads, f"{where} text shown"
            assert (message.phone in response.text) == reads, f"{where} number shown"
        searched = matrix.logged(role, before).filter(action="search", object_type="sms")
        assert searched.exists() == (role in access.READS_TEXT), "the reading is not logged"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        scope[target]["referral"].refresh_from_db()
        assert scope[target]["referral"].status == ReferralStatus.SENT
        scope[target]["message"].refresh_from_db()
        assert scope[target]["message"].status == "sent"

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)

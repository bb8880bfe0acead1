"""The referrals' list page and API list read each line's relations with the list, whatever
the number of lines, and only the columns a line shows (the page) or the item gives (the API)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orienta.cases.tests.factories import make_case
from orienta.core.services import api_token_issue
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def case(persons, users):
    return make_case(persons["person_td"], users["agent_td"])


def _count(client, path, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(ctx), response


def test_the_list_page_reads_no_more_queries_for_more_referrals(login, case, svcs, users):
    client = login(users["agent_td"])
    make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    make_referral(case.person, svcs["td"], users["agent_td"])
    _count(client, "/referrals/")
    few, _response = _count(client, "/referrals/")
    made = [make_referral(case.person, svcs["td"], users["agent_td"]) for _ in range(8)]
    many, response = _count(client, "/referrals/")
    assert many == few
    page = response.content.decode()
    assert page.count("<li>") == 10
    service, site = svcs["td"], case.site
    for referral in made:
        assert referral.code in page
    assert page.count(f"({service.organisation.name})") == 10
    assert page.count(f"· {site.code}") == 10
    assert page.count(case.person.full_name) == 10


def test_the_api_list_reads_no_more_queries_for_more_referrals(client, case, svcs, users):
    token, _row = api_token_issue(user=users["agent_td"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    _count(client, "/api/v1/referrals", **auth)
    few, _response = _count(client, "/api/v1/referrals", **auth)
    for _ in range(8):
        make_referral(case.person, svcs["td"], users["agent_td"])
    many, response = _count(client, "/api/v1/referrals", **auth)
    assert many == few
    items = response.json()["items"]
    assert len(items) == 9
    assert {(i["service_name"], i["organisation"], i["site"]) for i in items} == {
        (svcs["td"].name, svcs["td"].organisation.name, case.site.code)
    }

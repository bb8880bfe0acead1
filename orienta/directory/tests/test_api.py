import pytest
from django.test import Client

from orienta.core.services import api_token_issue
from orienta.directory import hsds
from orienta.directory.tests.schemas import published, valid

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _get(user, url):
    token, _row = api_token_issue(user=user)
    return Client().get(url, headers={"authorization": f"Bearer {token}"})


def _valid(instance, name):
    valid(instance, name)


def _page(user, url, schema_name):
    response = _get(user, url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PAGE_KEYS
    for item in body["contents"]:
        _valid(item, schema_name)
    return body


def test_services_page_is_hsds_and_scoped(directory, users):
    body = _page(users["agent_td"], "/api/v1/hsds/services", "compiled/service_list.json")
    names = {s["name"] for s in body["contents"]}
    assert names == {"Déclaration de naissance tardive", "Consultation prénatale"}
    assert body["total_items"] == 2 and body["first_page"] and body["last_page"]
    body = _page(
        users["me_hq"], "/api/v1/hsds/services?per_page=2&page=2", "compiled/service_list.json"
    )
    assert body["total_items"] == 3 and body["total_pages"] == 2 and body["size"] == 1
    assert not body["first_page"] and body["last_page"]
    full = _page(users["me_hq"], "/api/v1/hsds/services?full=true", "compiled/service.json")
    assert full["contents"][0]["organization"]["attributes"]
    provider = _page(users["provider_user"], "/api/v1/hsds/services", "compiled/service_list.json")
    assert [s["name"] for s in provider["contents"]] == ["Consultation prénatale"]


def test_service_filters(directory, users):
    term = hsds.term_id(directory["theme"].code)
    body = _page(
        users["me_hq"],
        f"/api/v1/hsds/services?taxonomy_term_id={term}",
        "compiled/service_list.json",
    )
    assert {s["name"] for s in body["contents"]} == {
        "Déclaration de naissance tardive",
        "Assistência jurídica",
    }
    body = _page(users["me_hq"], "/api/v1/hsds/services?search=jur", "compiled/service_list.json")
    assert body["total_items"] == 1


def test_service_detail_and_scope(directory, users):
    registry, legal = directory["registry"], directory["legal"]
    response = _get(users["agent_td"], f"/api/v1/hsds/services/{registry.pk}")
    assert response.status_code == 200
    _valid(response.json(), "compiled/service.json")
    assert _get(users["agent_td"], f"/api/v1/hsds/services/{legal.pk}").status_code == 404
    assert _get(users["agent_td"], "/api/v1/hsds/services/nope").status_code == 404
    assert Client().get(f"/api/v1/hsds/services/{registry.pk}").status_code == 401


def test_organizations(directory, users):
    body = _page(
        users["coordinator_td"], "/api/v1/hsds/organizations", "compiled/organization_list.json"
    )
    assert body["total_items"] == 2
    org = directory["registry"].organisation
    response = _get(users["coordinator_td"], f"/api/v1/hsds/organizations/{org.pk}")
    assert response.status_code == 200
    _valid(response.json(), "compiled/organization.json")
    assert response.json()["services"][0]["name"] == "Déclaration de naissance tardive"
    assert _get(users["coordinator_mz"], f"/api/v1/hsds/organizations/{org.pk}").status_code == 404


def test_service_at_locations_and_taxonomy(directory, users):
    body = _page(
        users["agent_td"], "/api/v1/hsds/service_at_locations", "compiled/service_at_location.json"
    )
    assert body["total_items"] == 2
    body = _page(users["agent_td"], "/api/v1/hsds/taxonomies", "taxonomy.json")
    assert body["total_items"] == 1
    body = _page(users["agent_td"], "/api/v1/hsds/taxonomy_terms", "taxonomy_term.json")
    assert body["total_items"] >= 2
    root = _get(users["agent_td"], "/api/v1/hsds/")
    assert root.json()["version"] == "3.0"


def _queries(user, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token, _row = api_token_issue(user=user)
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_number_of_services(directory, users, world, login):
    from orienta.directory.services import service_verify
    from orienta.directory.tests.factories import make_service

    urls = [
        "/api/v1/hsds/services?full=true",
        "/api/v1/hsds/services",
        "/api/v1/hsds/service_at_locations",
    ]
    before = [_queries(users["me_hq"], url) for url in urls]
    # A list item shows none of a service's nested lists: the short list reads none of them.
    assert before[1] < before[0]
    page_before = _page_queries(login, users["me_hq"])
    for i in range(8):
        made = make_service(world["provider_org"], name=f"Service {i}", amount=100 + i)
        service_verify(by=users["manager_td"], service=made)  # an assurer to name
    assert [_queries(users["me_hq"], url) for url in urls] == before
    assert _page_queries(login, users["me_hq"]) == page_before


def _page_queries(login, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/directory/").status_code == 200
    return len(captured)


def test_single_objects(directory, users):
    sal = directory["registry"].service_at_locations.first()
    response = _get(users["agent_td"], f"/api/v1/hsds/service_at_locations/{sal.pk}")
    assert response.status_code == 200
    published("compiled/service_at_location.json").validate(response.json())
    assert response.json()["service"]["name"] == "Déclaration de naissance tardive"
    assert _get(users["agent_mz"], f"/api/v1/hsds/service_at_locations/{sal.pk}").status_code == 404
    response = _get(users["agent_mz"], f"/api/v1/hsds/taxonomies/{hsds.TAXONOMY_ID}")
    published("taxonomy.json").validate(response.json())
    term = hsds.term_id(directory["theme"].code)
    response = _get(users["agent_mz"], f"/api/v1/hsds/taxonomy_terms/{term}")
    published("taxonomy_term.json").validate(response.json())
    assert response.json()["code"] == directory["theme"].code
    assert _get(users["agent_mz"], "/api/v1/hsds/taxonomy_terms/x").status_code == 404
    assert _get(users["agent_mz"], "/api/v1/hsds/taxonomies/x").status_code == 404

"""Every imports page for every role, in and out of scope; what the log shows."""

import pytest
from django.urls import get_resolver

from orienta.core.tests.test_access_matrix import _walk
from orienta.imports import services
from orienta.imports.tests import access
from orienta.imports.tests.conftest import kobo_csv
from orienta.testing import access as matrix


def test_every_imports_route_is_in_the_matrix():
    pages = {n for n in _walk(get_resolver().url_patterns) if n.startswith("imports:")}
    assert pages == set(access.ROUTES)


def objects(site, uploader):
    """An import of visits uploaded at the site, mapped and checked (a dry run)."""
    run = services.import_upload(
        site=site, kind="visits", name="Visites.csv", raw=kobo_csv(True), by=uploader
    )
    run = services.import_map(run=run, mapping=run.mapping, options={}, by=uploader)
    services.import_check(run=run, by=uploader)
    run.refresh_from_db()
    return {"run": run}


@pytest.fixture
def scope(world, users, persons):
    return {
        "in": objects(world["sites"]["td"], users["manager_td"]),
        "out": objects(world["sites"]["mz"], users["agent_mz"]),
    }


@pytest.mark.parametrize("role", access.ROLES)
def test_page_access(client, users, scope, role):
    def check(name, target, response, before):
        kind, _method, _build = access.ROUTES[name]
        matrix.check_status(response, access.expect(kind, role, target))
        matrix.check_refusal_logged(response, role, before)
        if name == "imports:index" and response.status_code == 200:
            for where in ("in", "out"):
                shown = f"/imports/{scope[where]['run'].pk}/" in response.text
                assert shown == (role in access.READS[where]), f"{where} listed: {shown}"
            uploads = 'enctype="multipart/form-data"' in response.text
            assert uploads == (role in access.SITE_STAFF), "upload form"

    matrix.check_pages(client, users, role, scope, access.ROUTES, check, no_object=access.NO_OBJECT)


def test_a_coordinator_reads_the_log_but_uploads_nothing(client, users, scope):
    client.force_login(users["coordinator_td"])
    response = client.post("/imports/", {"kind": "visits", "site": "TD-NDJ1"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", access.ROLES)
def test_api_access(client, users, scope, role):
    def check(route, target, response, before):
        kind = access.API_ROUTES[route][0]
        matrix.check_status(response, access.expect(kind, role, target, api=True), api=True)
        matrix.check_refusal_logged(response, role, before)
        if route == "GET /api/v1/imports" and response.status_code == 200:
            listed = {item["id"] for item in response.json()["items"]}
            for where in ("in", "out"):
                shown = str(scope[where]["run"].pk) in listed
                assert shown == (role in access.READS[where]), f"{where} listed: {shown}"

    matrix.check_api(client, users, role, scope, access.API_ROUTES, check)


def test_the_api_reads_an_import_as_its_page_does(client, users, scope):
    run = scope["in"]["run"]
    headers = matrix.api_headers(users, "manager_td")
    data = client.get(f"/api/v1/imports/{run.pk}", **headers).json()
    assert data["site"] == "TD-NDJ1" and data["kind"] == "visits"
    assert data["status"] == run.status and data["uploaded_by"] == "manager_td"
    assert data["counts"] == run.counts
    assert data["errors"] == len(data["error_list"]) == len(run.errors)
    assert all({"table", "line", "column", "message"} <= set(e) for e in data["error_list"])

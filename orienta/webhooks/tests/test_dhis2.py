"""Pushing a country's results to DHIS2 (a fake DHIS2 on loopback): the data value set is
sent through the queue with the instance's credentials, DHIS2's import summary is stored and
shown, and what goes wrong is said plainly."""

import base64
import json

import pytest
from django.utils import translation

from orienta.conftest import force_login_verified
from orienta.lib.indicators import Period
from orienta.reporting.models import Dhis2DataElement, Dhis2OrgUnit
from orienta.reporting.tests.test_exports import SEXES_TD, _came
from orienta.webhooks import dhis2
from orienta.webhooks.models import Dhis2Connection, Dhis2Push
from orienta.webhooks.sealing import unseal

MARCH = Period.parse("2026-03")


@pytest.fixture
def came(world, users):
    """Eleven persons welcomed at TD-NDJ1 in March 2026: 6 women, 5 men."""
    for n, sex in enumerate(SEXES_TD):
        _came(world["sites"]["td"], users["agent_td"], sex, n)


@pytest.fixture
def mapped(world):
    for dims, combo in (("", "COCtotal001"), ("sex=female", "COCfemale01")):
        Dhis2DataElement.objects.create(
            indicator_code="PERSONS_WELCOMED",
            dimensions=dims,
            data_element="DEwelcomed1",
            category_option_combo=combo,
        )
    Dhis2OrgUnit.objects.create(
        country=world["td"], site=world["sites"]["td"], org_unit="OUndjamena1"
    )


@pytest.fixture
def connected(world, users, fake_dhis2):
    return dhis2.connection_save(
        country=world["td"],
        by=users["coordinator_td"],
        url=fake_dhis2.url + "/",
        auth="token",
        secret="d2pat_good",
    )


def _push(users, world, django_capture_on_commit_callbacks, by="coordinator_td"):
    with django_capture_on_commit_callbacks(execute=True):
        push = dhis2.push_request(country=world["td"], period=MARCH, by=users[by])
    return Dhis2Push.objects.get(pk=push.pk)


def test_a_push_sends_the_data_value_set_and_stores_the_summary(
    world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert len(fake_dhis2.received) == 1
    got = fake_dhis2.received[0]
    assert got.path == "/api/dataValueSets?importStrategy=CREATE_AND_UPDATE"
    assert got.headers["Authorization"] == "ApiToken d2pat_good"
    values = {
        (v["orgUnit"], v["categoryOptionCombo"], v["period"]): v["value"]
        for v in got.json()["dataValues"]
    }
    assert values == {
        ("OUndjamena1", "COCtotal001", "202603"): "11",
        ("OUndjamena1", "COCfemale01", "202603"): "6",
    }
    assert push.status == "done" and push.import_status == "SUCCESS"
    assert (push.values_sent, push.imported, push.updated, push.ignored) == (2, 2, 0, 0)
    assert push.conflicts == [] and push.error == ""
    assert "site:TD-MOU1" in push.unmapped
    # Run again by a second worker: nothing is sent twice.
    assert dhis2.push_run(push_id=push.pk) == "not queued"
    assert len(fake_dhis2.received) == 1


def test_the_conflicts_are_stored_and_shown(
    client, world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    Dhis2DataElement.objects.create(
        indicator_code="PERSONS_WELCOMED",
        dimensions="sex=male",
        data_element="UNKNOWN0001",
        category_option_combo="COCmale0001",
    )
    push = _push(users, world, django_capture_on_commit_callbacks, by="me_hq")
    assert push.status == "done" and push.import_status == "WARNING"
    assert (push.imported, push.ignored) == (2, 1)
    assert push.conflicts == [
        {"object": "UNKNOWN0001", "value": "Data element not found or not accessible"}
    ]
    force_login_verified(client, users["coordinator_td"])
    page = client.get(f"/webhooks/dhis2/pushes/{push.pk}/")
    assert page.status_code == 200
    assert "UNKNOWN0001" in page.text and "Data element not found" in page.text
    listed = client.get("/webhooks/dhis2/")
    assert "2 importées, 0 mises à jour, 1 ignorées, 1 conflits" in listed.text


def test_dhis2_refusing_the_token_is_said_clearly(
    client, world, users, came, mapped, fake_dhis2, django_capture_on_commit_callbacks
):
    dhis2.connection_save(
        country=world["td"], by=users["admin_user"], url=fake_dhis2.url, auth="token", secret="bad"
    )
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert push.status == "failed" and push.response_code == 401
    assert push.error.startswith("DHIS2 refused the username") and push.error_params == {
        "status": 401
    }
    force_login_verified(client, users["coordinator_td"])
    page = client.get(f"/webhooks/dhis2/pushes/{push.pk}/")
    assert 'role="alert"' in page.text
    assert "DHIS2 a refusé le nom d’utilisateur et le mot de passe, ou le jeton (401)" in page.text
    with translation.override("pt"):
        assert push.error_message == (
            "O DHIS2 recusou o nome de utilizador e a palavra-passe, ou o token (401)."
        )


def test_an_unreachable_dhis2_is_said_clearly(
    world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    Dhis2Connection.objects.filter(pk=connected.pk).update(url="http://127.0.0.1:9")
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert push.status == "failed" and push.error == "The server refused the connection."


def test_an_answer_that_is_not_dhis2s_is_said_clearly(
    world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    fake_dhis2.reply = lambda got: (200, {"hello": "world"})
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert push.status == "failed" and "import summary" in push.error


def test_an_older_dhis2s_summary_is_read(
    world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    """Before 2.38, DHIS2 answered the summary itself, at the top."""
    fake_dhis2.reply = lambda got: (
        200,
        {
            "responseType": "ImportSummary",
            "status": "SUCCESS",
            "importCount": {"imported": 0, "updated": 2, "ignored": 0, "deleted": 0},
        },
    )
    push = _push(users, world, django_capture_on_commit_callbacks)
    assert (push.status, push.imported, push.updated) == ("done", 0, 2)


def test_basic_sign_in_and_the_secret_sealed(
    world, users, came, mapped, fake_dhis2, django_capture_on_commit_callbacks
):
    connection = dhis2.connection_save(
        country=world["td"],
        by=users["admin_user"],
        url=fake_dhis2.url,
        auth="basic",
        username="orienta",
        secret="mot de passe",
    )
    assert "mot de passe" not in connection.secret_sealed
    assert unseal(connection.secret_sealed) == "mot de passe"
    fake_dhis2.reply = lambda got: (
        200,
        {"status": "OK", "response": {"status": "SUCCESS", "importCount": {"imported": 2}}},
    )
    _push(users, world, django_capture_on_commit_callbacks)
    sent = fake_dhis2.received[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"orienta:mot de passe").decode()
    # Saved again without a secret, the stored one is kept.
    again = dhis2.connection_save(
        country=world["td"],
        by=users["admin_user"],
        url=fake_dhis2.url,
        auth="basic",
        username="orienta",
    )
    assert unseal(again.secret_sealed) == "mot de passe"


def test_no_push_without_an_instance(world, users):
    with pytest.raises(dhis2.Dhis2Refused):
        dhis2.push_request(country=world["td"], period=MARCH, by=users["me_hq"])
    assert not Dhis2Push.objects.exists()


def test_the_page_pushes_and_shows_the_summary(
    client, world, users, came, mapped, connected, fake_dhis2, django_capture_on_commit_callbacks
):
    force_login_verified(client, users["coordinator_td"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/webhooks/dhis2/push/", {"country": str(world["td"].pk), "period": "2026-03"}
        )
    push = Dhis2Push.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/webhooks/dhis2/pushes/{push.pk}/"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Importées" in page.text
    bad = client.post(
        "/webhooks/dhis2/push/", {"country": str(world["td"].pk), "period": "2026-13"}
    )
    assert bad.status_code == 422 and "2026-13" in bad.text
    assert Dhis2Push.objects.count() == 1
    assert json.loads(fake_dhis2.received[0].body)["dataValues"]

"""No invisible text-direction characters in names and codes ("Trojan Source" spoofing).

A right-to-left override in a name makes what is shown differ from what is stored. Every name
and code field refuses the bidirectional controls, at every entry point: the pages' forms, the
API (a 422 with the translated message), the admin, and the HSDS import.
"""

import json
import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from orienta.core.models import Organisation, Site, User
from orienta.lib.text import BIDI_CONTROLS, has_bidi_controls, no_bidi_controls
from orienta.people.models import Person

RLO = "\u202e"  # right-to-left override: "Achta\u202etahcA" is shown "AchtaAchta"
ENGLISH = "This text holds invisible characters that change the direction of writing"
FRENCH = "Ce texte contient des caractères invisibles"


def _says_why(html: str) -> bool:
    """The page explains the refusal, in the reader's language (French or English here)."""
    text = html.replace("&#x27;", "'").replace("’", "'")
    return ENGLISH in text or FRENCH in text


# Fields whose name says they hold a name or a code, and the other typed names and references.
NAME_OR_CODE = re.compile(r"(^|_)(name|names|code)$|^name_|reference|receipt_number")
ALSO = {
    ("people.Person", "locality"),
    ("people.Household", "locality"),
    ("directory.CostOption", "option"),
    ("directory.Location", "city"),
    ("fund.Payment", "operator"),
}


def _name_and_code_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("orienta"):
            continue
        for field in model._meta.get_fields():
            if type(field) is not models.CharField or field.choices or not field.editable:
                continue
            if NAME_OR_CODE.search(field.name) or (model._meta.label, field.name) in ALSO:
                yield model, field


def test_every_name_and_code_field_refuses_bidi_controls():
    fields = list(_name_and_code_fields())
    assert len(fields) > 30
    missing = [
        f"{model._meta.label}.{field.name}"
        for model, field in fields
        if no_bidi_controls not in field.validators
    ]
    assert not missing, missing
    labels = {f"{m._meta.label}.{f.name}" for m, f in fields}
    assert {"core.User.first_name", "core.User.last_name", "people.Person.given_name"} <= labels


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_each_control_is_refused(char):
    assert has_bidi_controls(f"Achta{char}Mahamat")
    assert not has_bidi_controls("أحمد محمد Achta")  # Arabic script itself is welcome


def test_the_registration_page_refuses_a_name_with_a_bidi_control(login, users):
    client = login(users["agent_td"])
    response = client.post(
        reverse("people:register"),
        {
            "site": "TD-NDJ1",
            "given_name": f"Achta{RLO}",
            "family_name": "Abakar",
            "sex": "female",
            "estimated_age": "40",
            "migration_status": "national",
            "confirm_new": "1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert _says_why(response.content.decode())
    assert not Person.objects.filter(family_name="Abakar").exists()


def _api(client, user, method, path, body, language="fr"):
    from orienta.core.services import api_token_issue

    token, _row = api_token_issue(user=user)
    return getattr(client, method)(
        path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_api_refuses_it_with_a_translated_422(client, users, persons):
    body = {
        "site": "TD-NDJ1",
        "given_name": "Halimé",
        "family_name": "Abakar\u2067x\u2069",
        "sex": "female",
        "estimated_age": 40,
        "confirm_new": True,
    }
    created = _api(client, users["agent_td"], "post", "/api/v1/persons", body)
    assert created.status_code == 422
    (error,) = created.json()["detail"]
    assert error["loc"] == ["body", "family_name"] and error["type"] == "bidi_control"
    assert error["msg"].startswith(FRENCH)
    person = persons["person_td"]
    patch = {"version": person.version, "other_names": "\u200fHawa"}
    changed = _api(client, users["agent_td"], "patch", f"/api/v1/persons/{person.pk}", patch)
    assert changed.status_code == 422 and changed.json()["detail"][0]["msg"].startswith(FRENCH)
    person.refresh_from_db()
    assert person.other_names == ""


def test_a_payment_reference_with_a_bidi_control_is_refused_by_the_api(
    client, world, users, persons
):
    from orienta.fund import services
    from orienta.fund.tests.factories import make_fund, make_fund_request

    make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(persons["person_td"].site, 5000)],
    )
    req = make_fund_request(persons["person_td"], users["agent_td"], provider=world["provider_org"])
    services.request_approve(fund_request=req, by=users["manager_td"])
    body = {"method": "cash", "receipt_number": "R-1\u202e3"}
    paid = _api(
        client, users["manager_td"], "post", f"/api/v1/fund/requests/{req.pk}/pay", body, "en"
    )
    assert paid.status_code == 422
    assert paid.json()["detail"][0]["msg"].startswith(ENGLISH)  # the request's language
    req.refresh_from_db()
    assert req.status == "approved"
    with pytest.raises(Exception, match="invisible characters"):
        services.period_open(
            fund=req.period.fund,
            by=users["coordinator_td"],
            name="2031\u202eQ1",
            starts_on=req.period.ends_on.replace(year=2031),
            ends_on=req.period.ends_on.replace(year=2031),
        )


def test_the_directory_pages_and_import_refuse_it(login, users, world):
    from orienta.directory import exchange

    client = login(users["coordinator_td"])
    response = client.post(
        reverse("directory:organisation_new"),
        {"name": f"Centre{RLO}", "kind": "cso", "country": str(world["td"].pk)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422 and _says_why(response.content.decode())
    assert not Organisation.objects.filter(name__startswith="Centre\u202e").exists()
    from orienta.directory.tests.factories import make_service

    make_service(world["provider_org"], name="Vaccination")
    document = json.loads(exchange.export_json_bytes(world["provider_org"].services.all()))
    document[0]["name"] = f"Vaccination{RLO}"
    with pytest.raises(exchange.ImportFailed):
        exchange.import_json(json.dumps(document).encode(), by=users["me_hq"])


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/core/organisation/add/", {"name": f"Org{RLO}", "kind": "cso"}),
        ("/admin/core/site/add/", {"code": f"TD-X{RLO}", "name": "BIOSP"}),
    ],
)
def test_the_admin_refuses_it(login, users, world, url, data):
    client = login(users["admin_user"])
    data = data | {"country": str(world["td"].pk), "timezone": "Africa/Ndjamena"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, with the error
    assert _says_why(response.content.decode())
    assert not Organisation.objects.filter(name=f"Org{RLO}").exists()
    assert not Site.objects.filter(code=f"TD-X{RLO}").exists()


def test_the_admin_refuses_it_in_a_users_names_and_username(login, users):
    client = login(users["admin_user"])
    agent = users["agent_td"]
    page = client.get(f"/admin/core/user/{agent.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/core/user/{agent.pk}/change/",
        {
            "username": agent.username,
            "first_name": f"Ali{RLO}",
            "last_name": "Abakar",
            "email": "",
            "is_active": "on",
            "role": agent.role,
            "sites": [str(s.pk) for s in agent.sites.all()],
            "language": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and _says_why(response.content.decode())
    agent.refresh_from_db()
    assert agent.first_name != f"Ali{RLO}"
    added = client.post(
        "/admin/core/user/add/",
        {"username": f"eve{RLO}", "password1": "x-Long-pass-77", "password2": "x-Long-pass-77"},
    )
    assert added.status_code == 200
    assert not User.objects.filter(username=f"eve{RLO}").exists()

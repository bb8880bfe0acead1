"""Sensitive cases: only the responsible agent and the site's managers see them; others whose
role could see the site break the glass (a reason, 3 hours, logged, shown to the manager)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.cases.models import Case, CaseAccessGrant, EventKind
from orienta.cases.queries import case_for, masked_person_ids
from orienta.cases.services import can_break_glass, case_break_glass, case_reassign
from orienta.core.models import Theme
from orienta.core.services import api_token_issue
from orienta.frontdesk.services import visit_record


def _api(client, user, path):
    token, _row = api_token_issue(user=user)
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _sees(client, login, user, case) -> dict:
    """Where the user meets the case: its page, the case list, the person's page, the API."""
    browser = login(user)
    person_page = browser.get(reverse("frontdesk:person", args=[case.person_id])).text
    listing = browser.get(reverse("cases:list"), {"status": "all"}).text
    found = browser.get(reverse("cases:list"), {"q": case.code, "status": "all"}).text
    api_list = _api(client, user, "/api/v1/cases?status=all").json()
    return {
        "page": browser.get(reverse("cases:detail", args=[case.pk])).status_code == 200,
        "list": f"<strong>{case.code}</strong>" in listing,
        "search": f"<strong>{case.code}</strong>" in found,
        "person page": case.code in person_page,
        "api list": any(c["id"] == str(case.pk) for c in api_list["items"]),
        "api count": api_list["count"] > 0,
        "api read": _api(client, user, f"/api/v1/cases/{case.pk}").status_code == 200,
    }


def test_the_responsible_agent_and_the_manager_see_it(client, login, users, sensitive_td):
    for name in ("agent_td", "manager_td"):
        assert all(_sees(client, login, users[name], sensitive_td).values()), name


def test_it_is_invisible_to_another_agent_of_the_site(
    client, login, users, sensitive_td, agent_td_b
):
    seen = _sees(client, login, agent_td_b, sensitive_td)
    assert not any(seen.values()), seen


@pytest.mark.parametrize("name", ["agent_td2", "agent_mz", "coordinator_td", "coordinator_mz"])
def test_it_is_invisible_to_other_sites_and_the_coordinator(
    client, login, users, sensitive_td, name
):
    seen = _sees(client, login, users[name], sensitive_td)
    assert not any(seen.values()), seen


def test_an_ordinary_case_follows_the_site_scope(client, login, users, case_td, agent_td_b):
    assert all(_sees(client, login, agent_td_b, case_td).values())
    assert all(_sees(client, login, users["coordinator_td"], case_td).values())
    assert not any(_sees(client, login, users["agent_td2"], case_td).values())


def test_a_hidden_case_asked_for_is_a_logged_refusal(login, sensitive_td, agent_td_b):
    response = login(agent_td_b).get(reverse("cases:detail", args=[sensitive_td.pk]))
    assert response.status_code == 404
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.status, entry.object_id) == ("refused", 404, sensitive_td.pk)


def test_who_may_break_the_glass(users, sensitive_td, agent_td_b):
    assert can_break_glass(users["coordinator_td"], sensitive_td)
    assert can_break_glass(agent_td_b, sensitive_td)
    for name in ("agent_td", "manager_td", "agent_td2", "coordinator_mz", "me_hq", "admin_user"):
        assert not can_break_glass(users[name], sensitive_td), name


def test_breaking_the_glass_opens_for_three_hours_and_is_shown(login, users, sensitive_td):
    coordinator = login(users["coordinator_td"])
    url = reverse("cases:break_glass")
    short = coordinator.post(url, {"code": sensitive_td.code, "reason": "urgent"})
    assert short.status_code == 422
    wrong = coordinator.post(url, {"code": "TD-NDJ1-C-999999", "reason": "Appel de la police."})
    assert wrong.status_code == 422
    reason = "Appel de la police : la personne est en danger."
    response = coordinator.post(url, {"code": sensitive_td.code.lower(), "reason": reason})
    assert response["Location"] == reverse("cases:detail", args=[sensitive_td.pk])
    grant = CaseAccessGrant.objects.get(case=sensitive_td, user=users["coordinator_td"])
    assert grant.expires_at - grant.granted_at == timedelta(hours=3)
    assert coordinator.get(response["Location"]).status_code == 200
    logged = AccessLogEntry.objects.filter(
        username="coordinator_td", object_id=sensitive_td.pk, action="read"
    )
    assert logged.filter(query__contains=reason).exists()
    # Shown to the manager: on the worklist and on the case's timeline.
    manager = login(users["manager_td"])
    assert reason in manager.get(reverse("cases:worklist")).text
    case_page = manager.get(reverse("cases:detail", args=[sensitive_td.pk])).text
    assert reason in case_page
    assert sensitive_td.events.filter(kind=EventKind.BREAK_GLASS).count() == 1
    # Three hours later, the door is shut again.
    CaseAccessGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert coordinator.get(response["Location"]).status_code == 404


def test_the_glass_cannot_be_broken_from_another_site(login, users, sensitive_td):
    response = login(users["agent_td2"]).post(
        reverse("cases:break_glass"),
        {"code": sensitive_td.code, "reason": "Je remplace ma collègue aujourd'hui."},
    )
    assert response.status_code == 422
    assert not CaseAccessGrant.objects.exists()


def test_the_agent_who_leaves_a_sensitive_case_keeps_no_access(users, sensitive_td, agent_td_b):
    case_reassign(case=sensitive_td, by=users["manager_td"], responsible=agent_td_b)
    with pytest.raises(Http404):
        case_for(users["agent_td"], sensitive_td.pk)
    assert case_for(agent_td_b, sensitive_td.pk) == sensitive_td


def test_names_are_masked_in_people_search_for_those_who_cannot_see(
    login, users, sensitive_td, agent_td_b
):
    hidden = login(agent_td_b).get(reverse("people:search"), {"q": "Mahamat"}).text
    assert "Achta Mahamat" not in hidden and "A. M." in hidden
    assert sensitive_td.person.code in hidden
    shown = login(users["agent_td"]).get(reverse("people:search"), {"q": "Mahamat"}).text
    assert "Achta Mahamat" in shown
    grant_reason = "Remplacement de l'agent, rendez-vous urgent."
    case_break_glass(case=sensitive_td, by=agent_td_b, reason=grant_reason)
    assert "Achta Mahamat" in login(agent_td_b).get(reverse("people:search"), {"q": "Mahamat"}).text


def test_a_site_manager_has_no_masked_person_and_it_costs_no_query(
    users, sensitive_td, agent_td_b, django_assert_num_queries
):
    person = sensitive_td.person_id
    assert masked_person_ids(agent_td_b, [person]) == {person}
    manager = users["manager_td"]
    manager.own_sites()  # the user's sites, read once a request anyway
    with django_assert_num_queries(0):
        assert masked_person_ids(manager, [person]) == set()


def test_names_are_masked_on_the_day_page(login, users, persons, sensitive_td, agent_td_b):
    visit_record(
        site=sensitive_td.site,
        by=users["agent_td"],
        person=persons["person_td"],
        data={
            "themes": list(Theme.objects.all()[:1]),
            "channel": "walk_in",
            "outcome": "informed",
            "occurred_at": timezone.now(),
        },
    )
    hidden = login(agent_td_b).get(reverse("frontdesk:day")).text
    assert "Achta Mahamat" not in hidden and "A. M." in hidden
    assert "Achta Mahamat" in login(users["agent_td"]).get(reverse("frontdesk:day")).text


def test_api_break_the_glass(client, users, sensitive_td, agent_td_b):
    token, _row = api_token_issue(user=agent_td_b)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/cases/{sensitive_td.pk}/break-glass"
    body = {"reason": "La responsable est absente, la personne attend."}
    assert client.get(f"/api/v1/cases/{sensitive_td.pk}", **auth).status_code == 404
    assert client.post(url, body, content_type="application/json", **auth).status_code == 201
    assert client.get(f"/api/v1/cases/{sensitive_td.pk}", **auth).status_code == 200
    # Once open, there is nothing more to open.
    assert client.post(url, body, content_type="application/json", **auth).status_code == 404
    token2, _row = api_token_issue(user=users["agent_td2"])
    other = client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token2}"
    )
    assert other.status_code == 404
    assert Case.objects.visible_to(users["agent_td2"]).count() == 0


def test_site_counts_leave_out_the_cases_one_cannot_see(login, users, case_td, sensitive_td):
    def open_count(user):
        page = login(user).get(reverse("core:site", args=["TD-NDJ1"])).text
        section = page[page.index('<section id="cases">') :]
        return section.split("<dd>")[1].split("</dd>")[0]

    assert open_count(users["manager_td"]) == "2"
    assert open_count(users["agent_td"]) == "2"
    assert open_count(users["coordinator_td"]) == "1"


# Breaking the glass opens a sensitive case for reading, never for changing it
# =============================================================================================

GLASS_REASON = "La responsable est absente, la personne attend."


def _broken_by(case, user):
    case_break_glass(case=case, by=user, reason=GLASS_REASON)


def _api_call(client, user, method, path, body=None):
    token, _row = api_token_issue(user=user)
    call = getattr(client, method)
    return call(
        path, body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_glass_breaker_cannot_unmark_a_sensitive_case_through_the_api(
    client, sensitive_td, agent_td_b
):
    _broken_by(sensitive_td, agent_td_b)
    url = f"/api/v1/cases/{sensitive_td.pk}"
    assert _api_call(client, agent_td_b, "get", url).status_code == 200
    body = {"version": sensitive_td.version, "sensitive": False}
    assert _api_call(client, agent_td_b, "patch", url, body).status_code == 403
    sensitive_td.refresh_from_db()
    assert sensitive_td.sensitive and sensitive_td.version == body["version"]


def test_every_api_write_on_a_sensitive_case_is_refused_to_a_glass_breaker(
    client, users, world, sensitive_td, agent_td_b
):
    from orienta.cases.tests.factories import make_action
    from orienta.directory.tests.factories import make_service
    from orienta.fund.tests.factories import make_fund
    from orienta.referrals.tests.factories import _ensure_sharing_consent

    action = make_action(sensitive_td, users["agent_td"], days=1)
    sensitive_td.refresh_from_db()
    service = make_service(world["provider_org"], amount=500, currency="XAF")
    make_fund(world["td"], coordinator=users["coordinator_td"])
    _ensure_sharing_consent(sensitive_td.person, users["agent_td"])
    _broken_by(sensitive_td, agent_td_b)
    case_url, version = f"/api/v1/cases/{sensitive_td.pk}", sensitive_td.version
    calls = [
        ("patch", case_url, {"version": version, "risk": "low"}),
        ("post", f"{case_url}/close", {"reason": "needs_met", "version": version}),
        ("post", f"{case_url}/reopen", {"reason": "Nouvelle demande de la personne."}),
        ("post", f"{case_url}/actions", {"what": "Relancer", "due_on": "2030-01-01"}),
        ("patch", f"/api/v1/cases/actions/{action.pk}", {"version": 1, "status": "done"}),
        ("post", f"{case_url}/follow-ups", {"kind": "phone", "notes": "Appel"}),
        (
            "post",
            "/api/v1/referrals",
            {
                "person": str(sensitive_td.person_id),
                "service": str(service.pk),
                "case": str(sensitive_td.pk),
                "reason": "Acte de naissance",
            },
        ),
        (
            "post",
            "/api/v1/fund/requests",
            {
                "person": str(sensitive_td.person_id),
                "case_action": str(action.pk),
                "service": str(service.pk),
                "amount": "500",
                "criteria": ["high_vulnerability"],
                "reason": "Pas de revenu",
            },
        ),
    ]
    for method, path, body in calls:
        response = _api_call(client, agent_td_b, method, path, body)
        assert response.status_code == 403, (method, path, response.status_code)
    sensitive_td.refresh_from_db()
    assert sensitive_td.version == version and sensitive_td.status == "in_progress"
    assert not sensitive_td.referrals.exists()
    assert sensitive_td.actions.count() == 1 and not sensitive_td.followups.exists()


def test_every_page_write_on_a_sensitive_case_is_refused_to_a_glass_breaker(
    login, users, sensitive_td, agent_td_b
):
    from datetime import timedelta

    from orienta.cases.services import case_followup_plan
    from orienta.cases.tests.factories import make_action

    action = make_action(sensitive_td, users["agent_td"], days=1)
    planned = case_followup_plan(
        case=sensitive_td,
        by=users["agent_td"],
        kind="phone",
        due_on=timezone.localdate() + timedelta(days=2),
    )
    sensitive_td.refresh_from_db()
    _broken_by(sensitive_td, agent_td_b)
    browser = login(agent_td_b)
    page = browser.get(reverse("cases:detail", args=[sensitive_td.pk]))
    assert page.status_code == 200
    for name in ("cases:edit", "cases:close", "cases:action_add", "cases:followup_add"):
        assert reverse(name, args=[sensitive_td.pk]) not in page.text, name
    person_page = browser.get(reverse("frontdesk:person", args=[sensitive_td.person_id])).text
    assert f"case={sensitive_td.pk}" not in person_page  # no referral offered from it
    owner_page = login(users["agent_td"]).get(
        reverse("frontdesk:person", args=[sensitive_td.person_id])
    )
    assert f"case={sensitive_td.pk}" in owner_page.text
    pk = sensitive_td.pk
    version = {"version": sensitive_td.version}
    refused = [
        ("get", reverse("cases:edit", args=[pk]), {}),
        ("post", reverse("cases:edit", args=[pk]), version | {"risk": "low", "needs": []}),
        ("post", reverse("cases:start", args=[pk]), version),
        ("get", reverse("cases:close", args=[pk]), {}),
        ("post", reverse("cases:close", args=[pk]), version | {"reason": "needs_met"}),
        ("get", reverse("cases:reopen", args=[pk]), {}),
        ("post", reverse("cases:action_add", args=[pk]), {"what": "x", "due_on": "2030-01-01"}),
        ("post", reverse("cases:action_status", args=[action.pk]), {"status": "done"}),
        ("post", reverse("cases:followup_add", args=[pk]), {"kind": "phone", "notes": "x"}),
        ("post", reverse("cases:followup_plan", args=[pk]), {"kind": "phone"}),
        ("post", reverse("cases:followup_cancel", args=[planned.pk]), {}),
        ("get", f"/referrals/new/?person={sensitive_td.person_id}&case={pk}", {}),
        ("get", f"/fund/requests/new/?person={sensitive_td.person_id}&case_action={action.pk}", {}),
    ]
    for method, url, data in refused:
        response = getattr(browser, method)(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    sensitive_td.refresh_from_db()
    assert sensitive_td.version == version["version"] and sensitive_td.status == "in_progress"
    assert sensitive_td.actions.get().status == "planned"


def test_the_responsible_agent_changes_a_sensitive_case_but_does_not_unmark_it(
    client, login, users, sensitive_td
):
    url = f"/api/v1/cases/{sensitive_td.pk}"
    agent = users["agent_td"]
    changed = _api_call(client, agent, "patch", url, {"version": 1, "risk": "low"})
    assert changed.status_code == 200 and changed.json()["risk"] == "low"
    unmark = {"version": changed.json()["version"], "sensitive": False}
    assert _api_call(client, agent, "patch", url, unmark).status_code == 403
    # The edit page keeps the case sensitive whatever is posted.
    browser = login(agent)
    form = browser.get(reverse("cases:edit", args=[sensitive_td.pk])).text
    assert 'name="sensitive"' in form and "disabled" in form.split('name="sensitive"')[1][:80]
    needs = [str(t.pk) for t in sensitive_td.needs.all()]
    browser.post(
        reverse("cases:edit", args=[sensitive_td.pk]),
        {"version": unmark["version"], "risk": "medium", "needs": needs, "assessment": "x"},
    )
    sensitive_td.refresh_from_db()
    assert sensitive_td.sensitive and sensitive_td.risk == "medium"
    lift = f"{url}/unmark-sensitive"
    body = {"reason": "La situation de danger est terminée.", "version": sensitive_td.version}
    assert _api_call(client, agent, "post", lift, body).status_code == 403
    assert browser.get(reverse("cases:unmark_sensitive", args=[sensitive_td.pk])).status_code == 403


def test_a_manager_lifts_the_restriction_with_a_reason_logged_and_on_the_timeline(
    client, login, users, sensitive_td
):
    from orienta.core.models import Event

    manager = users["manager_td"]
    url = f"/api/v1/cases/{sensitive_td.pk}"
    # Through the edit, a manager is told to give a reason: nothing changes.
    direct = _api_call(client, manager, "patch", url, {"version": 1, "sensitive": False})
    assert direct.status_code == 409 and "reason" in direct.json()["detail"]
    lift = f"{url}/unmark-sensitive"
    short = _api_call(client, manager, "post", lift, {"reason": "fini", "version": 1})
    assert short.status_code == 422
    sensitive_td.refresh_from_db()
    assert sensitive_td.sensitive
    reason = "La situation de danger est terminée, vu avec la personne."
    page = login(manager).post(
        reverse("cases:unmark_sensitive", args=[sensitive_td.pk]),
        {"reason": reason, "version": sensitive_td.version},
    )
    assert page.status_code == 302
    sensitive_td.refresh_from_db()
    assert not sensitive_td.sensitive
    event = sensitive_td.events.get(kind=EventKind.UNMARKED_SENSITIVE)
    assert event.text == reason and event.actor == manager
    assert Event.objects.filter(verb="case.unmarked_sensitive", object_id=sensitive_td.pk).exists()
    timeline = login(manager).get(reverse("cases:detail", args=[sensitive_td.pk])).text
    assert reason in timeline and "No longer sensitive" in timeline
    again = _api_call(client, manager, "post", lift, {"reason": reason})
    assert again.status_code == 409


# The API masks names as the pages' lists do
# =============================================================================================


def test_the_persons_api_masks_names_as_the_search_page_does(
    client, users, sensitive_td, agent_td_b
):
    import json

    person = sensitive_td.person
    for path in (
        "/api/v1/persons?q=Mahamat",
        "/api/v1/persons",
        f"/api/v1/persons?q={person.code}",
    ):
        answer = _api(client, agent_td_b, path).json()
        entry = next(p for p in answer["items"] if p["id"] == str(person.pk))
        assert entry["masked"] is True, path
        assert (entry["given_name"], entry["family_name"]) == ("A.", "M."), path
        assert (entry["code"], entry["sex"], entry["birth_date"]) == (
            person.code,
            "female",
            "1990-05-04",
        )
        text = json.dumps(answer)
        assert "Achta" not in text and "Mahamat" not in text and "66123456" not in text, path
    own = _api(client, users["agent_td"], "/api/v1/persons?q=Mahamat").json()["items"]
    assert own[0]["given_name"] == "Achta" and own[0]["masked"] is False
    case_break_glass(case=sensitive_td, by=agent_td_b, reason=GLASS_REASON)
    opened = _api(client, agent_td_b, "/api/v1/persons?q=Mahamat").json()["items"]
    assert opened[0]["given_name"] == "Achta" and opened[0]["masked"] is False


def test_the_referrals_api_masks_the_names_shared_as_the_list_page_does(
    client, users, world, sensitive_td, agent_td_b
):
    import json

    from orienta.directory.tests.factories import make_service
    from orienta.referrals.tests.factories import make_referral

    service = make_service(world["provider_org"])
    referral = make_referral(sensitive_td.person, service, users["agent_td"])  # not from the case
    items = _api(client, agent_td_b, "/api/v1/referrals").json()["items"]
    entry = next(r for r in items if r["id"] == str(referral.pk))
    assert entry["masked"] is True
    assert [s["value"] for s in entry["shared"]] == ["A.", "M."]
    assert "Achta" not in json.dumps(items) and "Mahamat" not in json.dumps(items)
    own = _api(client, users["agent_td"], "/api/v1/referrals").json()["items"]
    assert [s["value"] for s in own[0]["shared"]] == ["Achta", "Mahamat"]


def test_a_glass_breaker_cannot_act_on_the_referrals_of_a_sensitive_case(
    client, login, users, world, sensitive_td, agent_td_b
):
    from orienta.directory.tests.factories import make_service
    from orienta.fund.tests.factories import make_fund
    from orienta.referrals.tests.factories import make_referral

    service = make_service(world["provider_org"], amount=500, currency="XAF")
    make_fund(world["td"], coordinator=users["coordinator_td"])
    referral = make_referral(sensitive_td.person, service, users["agent_td"], case=sensitive_td)
    _broken_by(sensitive_td, agent_td_b)
    base = f"/api/v1/referrals/{referral.pk}"
    assert _api_call(client, agent_td_b, "get", base).status_code == 200  # reading is allowed
    for verb in ("serve", "not-served", "cancel"):
        response = _api_call(client, agent_td_b, "post", f"{base}/{verb}", {"note": "x"})
        assert response.status_code == 403, verb
    assert _api_call(client, agent_td_b, "get", f"{base}/slip.pdf").status_code == 403
    asked = _api_call(
        client,
        agent_td_b,
        "post",
        "/api/v1/fund/requests",
        {
            "person": str(sensitive_td.person_id),
            "referral": str(referral.pk),
            "amount": "500",
            "criteria": ["high_vulnerability"],
            "reason": "Pas de revenu",
        },
    )
    assert asked.status_code == 403
    browser = login(agent_td_b)
    page = browser.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and f"/referrals/{referral.pk}/answer/" not in page.text
    asking = browser.get(f"/fund/requests/new/?referral={referral.pk}")
    assert asking.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "sent" and not referral.links.exists()
    # Its responsible agent still does all of it.
    served = _api_call(client, users["agent_td"], "post", f"{base}/serve", {"note": "Vu"})
    assert served.status_code == 200

"""Sensitive cases: only the responsible agent and the site's managers see them; others whose
role could see the site break the glass (a reason, 3 hours, logged, shown to the manager)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.cases.models import Case, CaseAccessGrant, EventKind
from orienta.cases.queries import case_for
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

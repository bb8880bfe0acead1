"""The case pages: open from a visit or a person, the case page, plan, follow up, close."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from orienta.audit.models import AccessLogEntry
from orienta.cases.models import Case, CaseAction, FollowUp, Status
from orienta.cases.tests.factories import make_action, make_case
from orienta.core.models import Theme
from orienta.frontdesk.models import Visit


def _themes(n=2):
    return list(Theme.objects.values_list("pk", flat=True)[:n])


def test_home_sends_site_staff_to_the_worklist(login, users):
    assert login(users["agent_td"]).get("/")["Location"] == reverse("cases:worklist")
    assert login(users["manager_td"]).get("/")["Location"] == reverse("cases:worklist")
    assert login(users["coordinator_td"]).get("/")["Location"] == reverse("reporting:dashboard")


def test_a_visit_with_outcome_case_leads_to_the_case_form_prefilled(login, users, persons):
    person = persons["person_td"]
    client = login(users["agent_td"])
    themes = _themes()
    response = client.post(
        reverse("frontdesk:visit_new") + f"?person={person.pk}",
        {"site": "TD-NDJ1", "themes": themes, "channel": "walk_in", "outcome": "case"},
    )
    visit = Visit.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:new") + f"?visit={visit.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    for code in themes:  # the visit's themes are the needs, ticked
        assert f'value="{code}" id="id_needs_' in page.text
    assert page.text.count("checked") >= len(themes)
    response = client.post(
        response["Location"],
        {"needs": themes, "risk": "medium", "assessment": "Sans acte de naissance."},
    )
    case = Case.objects.get(person=person)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.visit == visit and case.site == person.site
    assert sorted(case.needs.values_list("pk", flat=True)) == sorted(themes)


def test_other_outcomes_go_back_to_the_person(login, users, persons):
    person = persons["person_td"]
    response = login(users["agent_td"]).post(
        reverse("frontdesk:visit_new") + f"?person={person.pk}",
        {"site": "TD-NDJ1", "themes": _themes(1), "channel": "walk_in", "outcome": "informed"},
    )
    assert response["Location"] == reverse("frontdesk:person", args=[person.pk])


def test_the_person_page_lists_cases_and_offers_to_open_one(login, users, persons, case_td):
    page = login(users["agent_td"]).get(reverse("frontdesk:person", args=[persons["person_td"].pk]))
    assert case_td.code in page.text
    assert reverse("cases:new") + f"?person={persons['person_td'].pk}" in page.text
    coordinator = login(users["coordinator_td"]).get(
        reverse("frontdesk:person", args=[persons["person_td"].pk])
    )
    assert case_td.code in coordinator.text and reverse("cases:new") not in coordinator.text


def test_bad_input_shows_the_form_again_with_422(login, users, persons):
    client = login(users["agent_td"])
    url = reverse("cases:new") + f"?person={persons['person_td'].pk}"
    response = client.post(url, {"risk": "medium"})
    assert response.status_code == 422
    assert "Choose at least one need." in response.text or "besoin" in response.text
    assert not Case.objects.exists()


def test_the_case_page_is_logged_and_shows_the_plan(login, users, case_td):
    make_action(case_td, users["agent_td"], what="Aller à la mairie", days=1)
    before = AccessLogEntry.objects.count()
    page = login(users["agent_td"]).get(reverse("cases:detail", args=[case_td.pk]))
    assert page.status_code == 200
    assert "Aller à la mairie" in page.text and case_td.code in page.text
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert AccessLogEntry.objects.count() > before
    assert entry.object_type == "case" and entry.object_id == case_td.pk
    assert entry.person == case_td.person_id and entry.action == "read"


def test_plan_an_action_and_mark_it_done(login, users, case_td):
    client = login(users["agent_td"])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("cases:action_add", args=[case_td.pk]), {"what": "Dossier CNPS", "due_on": due}
    )
    assert response.status_code == 302
    action = CaseAction.objects.get(case=case_td)
    assert action.assignee is None and action.what == "Dossier CNPS"
    assert (
        client.post(reverse("cases:action_add", args=[case_td.pk]), {"what": ""}).status_code == 422
    )
    client.post(
        reverse("cases:action_status", args=[action.pk]),
        {"status": "done", "version": action.version},
    )
    action.refresh_from_db()
    assert action.status == "done"
    stale = client.post(
        reverse("cases:action_status", args=[action.pk]), {"status": "cancelled", "version": 1}
    )
    assert stale.status_code == 409


def test_record_and_plan_contacts(login, users, case_td):
    client = login(users["agent_td"])
    nxt = (timezone.localdate() + timedelta(days=5)).isoformat()
    client.post(
        reverse("cases:followup_add", args=[case_td.pk]),
        {"kind": "home_visit", "notes": "Visite à domicile.", "next_due_on": nxt},
    )
    planned = FollowUp.objects.get(case=case_td, status="planned")
    client.post(
        reverse("cases:followup_add", args=[case_td.pk]),
        {"kind": "phone", "planned": planned.pk},
    )
    planned.refresh_from_db()
    assert planned.status == "done" and planned.kind == "phone"
    client.post(
        reverse("cases:followup_plan", args=[case_td.pk]),
        {"kind": "office", "due_on": nxt, "notes": "RDV"},
    )
    other = FollowUp.objects.get(case=case_td, status="planned")
    client.post(reverse("cases:followup_cancel", args=[other.pk]))
    other.refresh_from_db()
    assert other.status == "cancelled"
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("cases:followup_add", args=[case_td.pk]), {"kind": "phone", "next_due_on": past}
    )
    assert response.status_code == 422


def test_close_then_closing_again_is_refused_with_a_message(login, users, case_td):
    client = login(users["agent_td"])
    url = reverse("cases:close", args=[case_td.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "needs_met", "version": case_td.version})
    assert response.status_code == 302
    case_td.refresh_from_db()
    assert case_td.status == Status.CLOSED
    again = client.post(url, {"reason": "moved", "version": case_td.version})
    assert again.status_code == 409
    assert "already closed" in again.text or "déjà clos" in again.text
    case_td.refresh_from_db()
    assert case_td.closure_reason == "needs_met"


def test_reopen_needs_a_reason(login, users, case_td):
    client = login(users["agent_td"])
    client.post(reverse("cases:close", args=[case_td.pk]), {"reason": "moved"})
    url = reverse("cases:reopen", args=[case_td.pk])
    assert client.post(url, {"reason": "non"}).status_code == 422
    assert client.post(url, {"reason": "La famille est revenue à N'Djamena."}).status_code == 302
    case_td.refresh_from_db()
    assert case_td.status == Status.IN_PROGRESS


def test_a_stale_edit_shows_the_latest_version(login, users, case_td):
    client = login(users["agent_td"])
    url = reverse("cases:edit", args=[case_td.pk])
    data = {"needs": _themes(1), "risk": "high", "assessment": "x", "version": case_td.version}
    assert client.post(url, data).status_code == 302
    response = client.post(url, data | {"risk": "low"})
    assert response.status_code == 409
    case_td.refresh_from_db()
    assert case_td.risk == "high"


def test_a_manager_reassigns_and_an_agent_cannot(login, users, case_td, agent_td_b):
    url = reverse("cases:reassign", args=[case_td.pk])
    assert login(users["agent_td"]).get(url).status_code == 403
    manager = login(users["manager_td"])
    assert manager.get(url).status_code == 200
    response = manager.post(url, {"responsible": agent_td_b.pk, "version": case_td.version})
    assert response.status_code == 302
    case_td.refresh_from_db()
    assert case_td.responsible == agent_td_b


def test_the_site_manager_sets_the_days_without_contact(login, users, world):
    url = reverse("cases:site_settings", args=["TD-NDJ1"])
    assert login(users["agent_td"]).get(url).status_code == 403
    manager = login(users["manager_td"])
    assert manager.post(url, {"no_contact_days": "0"}).status_code == 422
    assert manager.post(url, {"no_contact_days": "14"}).status_code == 302
    assert world["sites"]["td"].case_settings.no_contact_days == 14
    assert manager.get(reverse("cases:site_settings", args=["MZ-MPM1"])).status_code == 404


def test_case_list_searches_by_name_and_code(login, users, persons):
    mine = make_case(persons["person_td"], users["agent_td"])
    client = login(users["agent_td"])
    assert mine.code in client.get(reverse("cases:list"), {"q": "Mahamat"}).text
    assert mine.code not in client.get(reverse("cases:list"), {"q": "Zzz"}).text
    assert mine.code in client.get(reverse("cases:list"), {"q": mine.code}).text


def test_a_planned_action_leads_to_a_referral_or_a_fund_request(login, users, case_td):
    action = make_action(case_td, users["agent_td"], days=1)
    client = login(users["agent_td"])
    page = client.get(reverse("cases:detail", args=[case_td.pk])).text
    refer = f"{reverse('referrals:new')}?person={case_td.person_id}&amp;case={case_td.pk}"
    assert f"{refer}&amp;action={action.pk}" in page
    fund = f"{reverse('fund:request_new')}?person={case_td.person_id}&amp;case_action={action.pk}"
    assert fund in page
    target = f"{reverse('referrals:new')}?person={case_td.person_id}&case={case_td.pk}"
    assert client.get(f"{target}&action={action.pk}").status_code == 200

from datetime import timedelta

import pytest
from django.utils import timezone

from orienta.cases.models import Case, CaseAction
from orienta.cases.services import case_break_glass
from orienta.cases.tests.factories import make_case
from orienta.core.page_panels import render
from orienta.referrals import tasks
from orienta.referrals.models import Referral, Status
from orienta.referrals.services import referral_serve
from orienta.referrals.tests.factories import make_referral


@pytest.fixture
def case(persons, users):
    return make_case(persons["person_td"], users["agent_td"])


def test_an_unanswered_referral_expires_and_its_case_gets_a_follow_up(case, svcs, users):
    referral = make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    waiting = make_referral(case.person, svcs["td"], users["agent_td"])
    assert tasks.run(timezone.now() + timedelta(days=13)).startswith("referrals: 0 expired")
    summary = tasks.run(timezone.now() + timedelta(days=15))
    assert summary == "referrals: 2 expired, 1 follow-up actions planned"
    referral.refresh_from_db()
    assert referral.status == Status.EXPIRED and referral.answered_at is None
    action = CaseAction.objects.get(case=case, created_by=None)
    assert referral.code in action.what
    event = referral.events.get(to_status="expired")
    assert (event.actor, event.user) == ("system", None)
    assert Referral.objects.get(pk=waiting.pk).status == Status.EXPIRED
    assert tasks.run(timezone.now() + timedelta(days=30)).startswith("referrals: 0 expired")


def test_answered_referrals_do_not_expire(case, svcs, users):
    referral = make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    referral_serve(referral=referral)
    tasks.run(timezone.now() + timedelta(days=60))
    assert Referral.objects.get().status == Status.SERVED


def test_the_worklist_shows_referrals_waiting_and_served(login, case, svcs, users):
    waiting = make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    served = make_referral(case.person, svcs["td"], users["agent_td"])
    referral_serve(referral=served)
    page = login(users["agent_td"]).get("/worklist/")
    body = page.content.decode()
    assert page.status_code == 200
    waiting_part, served_part = body.split("ref-recent")
    assert waiting.code in waiting_part and served.code in served_part


def test_the_worklist_shows_ten_referrals_a_section_and_links_to_the_whole_list(
    login, case, svcs, users
):
    made = [make_referral(case.person, svcs["td"], users["agent_td"]) for _ in range(12)]
    referral_serve(referral=made[-1])
    client = login(users["agent_td"])
    waiting_part = client.get("/worklist/").text.split("ref-panel")[1].split("ref-recent")[0]
    assert waiting_part.count("<li>") == 10
    assert '<span class="count">11</span>' in waiting_part
    assert 'href="/referrals/?status=awaiting"' in waiting_part
    whole = client.get("/referrals/", {"status": "awaiting"})
    assert whole.context["page"].paginator.count == 11
    assert made[-1].code not in whole.text and made[0].code in whole.text


def test_the_worklist_query_count_does_not_grow_with_referrals(case, svcs, users):
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    def count():
        request = RequestFactory().get("/worklist/")
        request.user = users["agent_td"]
        with CaptureQueriesContext(connection) as ctx:
            render("worklist_panel", request, [case.site])
        return len(ctx)

    make_referral(case.person, svcs["td"], users["agent_td"])
    referral_serve(referral=make_referral(case.person, svcs["td"], users["agent_td"]))
    count()  # the user object reads its sites once
    few = count()
    for _ in range(8):
        referral_serve(referral=make_referral(case.person, svcs["td"], users["agent_td"]))
        make_referral(case.person, svcs["td"], users["agent_td"])
    assert count() == few


def test_a_sensitive_case_hides_its_referrals_like_the_case(login, persons, svcs, users):
    case = make_case(persons["person_td"], users["agent_td"], sensitive=True)
    referral = make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    other_agent = users["agent_td2"]
    other_agent.sites.add(case.site)
    assert login(users["agent_td"]).get(f"/referrals/{referral.pk}/").status_code == 200
    assert login(users["manager_td"]).get(f"/referrals/{referral.pk}/").status_code == 200
    for name in ("coordinator_td",):
        assert login(users[name]).get(f"/referrals/{referral.pk}/").status_code == 404
    client = login(other_agent)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert referral.code not in client.get("/referrals/").content.decode()
    assert referral.code not in client.get("/worklist/").content.decode()
    assert referral.code not in client.get(f"/people/{case.person_id}/").content.decode()
    assert Referral.objects.visible_to(other_agent).count() == 0


def test_a_referral_from_a_case_is_seen_as_its_case_is(persons, svcs, users):
    """The case's rules decide on its referrals: the glass broken opens them, a deleted case
    hides them from everyone, and a referral made without a case follows its site alone."""
    case = make_case(persons["person_td"], users["agent_td"], sensitive=True)
    from_case = make_referral(case.person, svcs["td"], users["agent_td"], case=case)
    without = make_referral(case.person, svcs["td"], users["agent_td"])
    colleague = users["agent_td2"]
    colleague.sites.add(case.site)

    def seen(user) -> set:
        return set(Referral.objects.visible_to(user).values_list("pk", flat=True))

    assert seen(colleague) == {without.pk}
    case_break_glass(case=case, by=colleague, reason="La responsable est absente ce matin.")
    assert seen(colleague) == {without.pk, from_case.pk}
    assert seen(users["agent_td"]) == seen(users["manager_td"]) == {without.pk, from_case.pk}
    Case.objects.filter(pk=case.pk).update(deleted_at=timezone.now())
    for user in (colleague, users["agent_td"], users["manager_td"]):
        assert seen(user) == {without.pk}


def test_lists_show_initials_for_a_person_with_a_hidden_sensitive_case(login, persons, svcs, users):
    person = persons["person_td"]
    make_case(person, users["agent_td"], sensitive=True)
    referral = make_referral(person, svcs["td"], users["manager_td"])
    colleague = users["agent_td2"]
    colleague.sites.add(person.site)
    body = login(colleague).get("/referrals/").content.decode()
    assert referral.code in body and "A.M." in body and "Mahamat" not in body
    assert "Achta Mahamat" in login(users["agent_td"]).get("/referrals/").content.decode()

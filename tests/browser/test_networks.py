"""A GTPS on a small phone: the country's coordinator creates the working group, adds a CSO as
member, plans a meeting, records it as held with those present, the minutes and the decisions,
adds the action decided, and tracks it to done; then the group page in Portuguese on a laptop."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.networks.models import Action, ActionStatus, Group, Meeting, MeetingStatus

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UUID = r"[0-9a-f-]{36}"


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _sign_in_verified(page, origin, user):
    """Signed in past two-factor, as after entering the code (a coordinator's account)."""
    client = force_login_verified(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": origin, "httpOnly": True}]
    )
    page.goto(origin + "/")


def _submit(page, form="main form.stack"):
    page.locator(f"{form} button[type=submit]").last.click()


def test_hold_a_gtps_meeting_and_track_an_action_to_done(
    page, live_server, users, world, browser_log, shot
):
    origin = live_server.url
    _sign_in_verified(page, origin, users["coordinator_td"])
    # 1. From the menu, the working groups; a new group for Chad.
    page.locator("header details.menu > summary").click()
    page.locator("header nav a[href='/gtps/']").click()
    page.wait_for_url(origin + "/gtps/")
    page.locator("a[href='/gtps/new/']").click()
    page.fill("#id_name", "GTPS de N'Djamena")
    page.fill("#id_mandate", "Suivre la stratégie nationale de protection sociale.")
    shot("01-new-group")
    _submit(page)
    page.wait_for_url(re.compile(rf"/gtps/{UUID}/$"))
    group = Group.objects.get()
    # 2. The CSO joins as a member.
    page.locator("main details > summary").click()
    page.select_option("#id_organisation", label=world["org_td"].name)
    page.fill("#id_name", "Achta Brahim")
    page.select_option("#id_sector", "cso")
    page.locator("main details form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Association Tchad Solidarité")
    _no_sideways_scroll(page)
    shot("02-group")
    # 3. A meeting planned, then recorded as held.
    page.locator(f"a[href='/gtps/{group.pk}/meetings/new/']").click()
    page.fill("#id_on", "2026-03-10")
    page.fill("#id_agenda", "1. Cartographie des services\n2. Plan d'action")
    _submit(page)
    page.wait_for_url(re.compile(rf"/gtps/meetings/{UUID}/$"))
    meeting = Meeting.objects.get()
    page.locator("input[name='attendees']").first.check()
    page.fill("#id_minutes", "Tour de table des membres présents.")
    page.fill("#id_decisions", "Plaidoyer pour la gratuité de l'acte de naissance.")
    shot("03-meeting-record")
    _submit(page)
    expect(page.locator("main")).to_contain_text("La réunion est enregistrée comme tenue.")
    expect(page.locator("main")).to_contain_text("Achta Brahim")
    _no_sideways_scroll(page)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    # 4. The action decided at the meeting.
    page.locator(f"a[href='/gtps/{group.pk}/actions/new/?meeting={meeting.pk}']").click()
    page.fill("#id_title", "Plaidoyer pour la gratuité de l'acte de naissance")
    page.select_option("#id_lead", label=world["org_td"].name)
    page.fill("#id_deadline", "2026-06-30")
    page.fill("#id_policy", "Stratégie nationale de protection sociale")
    _submit(page)
    page.wait_for_url(re.compile(rf"/gtps/actions/{UUID}/$"))
    action = Action.objects.get()
    assert action.meeting_id == meeting.pk
    # 5. Tracked: under way, then done.
    page.select_option("#id_status", "in_progress")
    page.fill("#id_note", "Rencontre avec le ministère prévue.")
    _submit(page)
    expect(page.locator("main")).to_contain_text("L’avancement de l’action est enregistré.")
    page.select_option("#id_status", "done")
    page.fill("#id_note", "Le ministère a accepté.")
    _submit(page)
    expect(page.locator("ol.timeline li")).to_have_count(3)
    expect(page.locator("dl.facts")).to_contain_text("Fait")
    expect(page.locator("#id_status")).to_have_count(0)  # a done action is closed
    _no_sideways_scroll(page)
    shot("04-action-done")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert list(action.updates.values_list("status", flat=True)) == [
        "planned",
        "in_progress",
        "done",
    ]
    # 6. The group on a laptop, in Portuguese.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{origin}/gtps/{group.pk}/")
    page.select_option("#language", "pt")
    page.locator("footer form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Plano de ação")
    expect(page.locator("main")).to_contain_text("Feito")
    shot("05-group-pt-laptop")
    browser_log.assert_clean(origin)

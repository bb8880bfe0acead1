"""A site manager on a small phone resolves a sync conflict: the phone number of a person was
changed at the site's node and at the central server while the node was offline; the manager
takes the node's value, and the person's record holds it."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from orienta.conftest import force_login_verified
from orienta.people.models import Person
from orienta.sync.models import Conflict
from orienta.sync.services import node_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _sign_in_verified(page, live_server, user):
    """The browser's session is the user's, past two-factor (a manager has it)."""
    client = force_login_verified(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
            }
        ]
    )
    page.goto(live_server.url + "/")


def test_a_manager_takes_the_nodes_value_of_a_conflict(
    page, live_server, world, users, persons, browser_log, shot
):
    origin = live_server.url
    person = persons["person_td"]
    node, _code = node_create(site=world["sites"]["td"], by=users["admin_user"])
    Conflict.objects.create(
        site=world["sites"]["td"],
        node=node,
        change_id=person.pk,
        model="people.Person",
        record=str(person.pk),
        field="phone",
        server_value=person.phone,
        node_value="+23566000001",
    )
    _sign_in_verified(page, live_server, users["manager_td"])
    # 1. From the menu, the sync page, then the conflicts.
    page.locator("header details.menu > summary").click()
    page.locator("header nav a[href='/sync/']").click()
    page.wait_for_url(origin + "/sync/")
    expect(page.locator("main")).to_contain_text("Conflits à résoudre")
    shot("01-status")
    page.locator("main a[href='/sync/conflicts/']").click()
    page.wait_for_url(origin + "/sync/conflicts/")
    card = page.locator("ul.cards li", has_text=person.code)
    expect(card).to_contain_text("+23566000001")
    _no_sideways_scroll(page)
    shot("02-conflicts")
    # 2. The node's value is chosen.
    card.locator("input[value='node']").check()
    card.locator("button[type=submit]").click()
    page.wait_for_url(origin + "/sync/conflicts/")
    expect(page.locator("main")).to_contain_text("Aucun conflit à résoudre.")
    shot("03-resolved")
    assert Person.objects.get(pk=person.pk).phone == "+23566000001"
    assert Conflict.objects.get().kept == "node"
    browser_log.assert_clean(origin)

"""Sessions: 30 minutes idle, 12 hours at most; log-out and deactivation end every session and
API token; re-authentication before sensitive actions."""

import time

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.accounts import sessions
from orienta.accounts.admin import UserAdmin
from orienta.accounts.models import UserSession
from orienta.accounts.reauth import REAUTH_SESSION_KEY, require_recent_auth
from orienta.accounts.services import user_deactivate, user_sessions_end
from orienta.conftest import PASSWORD
from orienta.core.models import ApiToken, Event, User
from orienta.core.services import api_token_issue

DAY = "/day/"
REAUTH = "/account/reauth/"
PASSWORD_PAGE = "/account/password/"
NEW_PASSWORD = "another-long-pass-phrase-2026"


@pytest.fixture(autouse=True)
def _english(users):
    """Messages are checked in English: a signed-in user's own language wins over the browser's."""
    User.objects.update(language="en")


def shift(client: Client, **seconds_ago: int) -> None:
    """Move the session's clocks back: shift(client, seen=1801) means last seen 1801 s ago."""
    session = client.session
    now = int(time.time())
    for name, ago in seconds_ago.items():
        key = {"seen": sessions.SEEN, "started": sessions.STARTED, "reauth": REAUTH_SESSION_KEY}
        session[key[name]] = now - ago
    session.save()


def api_works(token: str) -> bool:
    response = Client().get("/api/v1/sites", headers={"Authorization": f"Bearer {token}"})
    return response.status_code == 200


def code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


# Idle and absolute limits


def test_a_session_idle_for_30_minutes_ends_with_a_message(login, users):
    client = login(users["agent_td"])
    shift(client, seen=30 * 60 + 1)

    response = client.get(DAY)

    assert response.status_code == 302 and response["Location"] == "/login/?next=/day/"
    page = client.get(response["Location"], headers={"Accept-Language": "en"}).text
    assert "Your session ended after 30 minutes without activity" in page
    assert "session ended" not in client.get("/login/").text  # said once


def test_a_session_used_within_30_minutes_goes_on(login, users):
    client = login(users["agent_td"])
    shift(client, seen=29 * 60)

    assert client.get(DAY).status_code == 200
    assert time.time() - client.session[sessions.SEEN] < 5


def test_a_busy_session_still_ends_12_hours_after_sign_in(login, users):
    client = login(users["agent_td"])
    shift(client, started=12 * 3600 + 1, seen=10)

    response = client.get(DAY)

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = client.get("/login/", headers={"Accept-Language": "en"}).text
    assert "a session lasts at most 12 hours" in page


def test_last_activity_is_written_at_most_once_a_minute(login, users):
    client = login(users["agent_td"])
    shift(client, seen=20)
    before = client.session[sessions.SEEN]

    client.get(DAY)

    assert client.session[sessions.SEEN] == before


def test_an_idle_session_ends_alone(login, users):
    laptop, phone = login(users["agent_td"]), login(users["agent_td"])
    shift(laptop, seen=31 * 60)

    laptop.get(DAY)

    assert phone.get(DAY).status_code == 200


# Log-out and deactivation


def test_logging_out_ends_every_session_and_api_token_of_the_user(login, users):
    agent = users["agent_td"]
    laptop, phone = login(agent), login(agent)
    token, _row = api_token_issue(user=agent)
    colleague = login(users["agent_td2"])

    laptop.post("/logout/")

    assert phone.get(DAY)["Location"].startswith("/login/")
    assert not api_works(token)
    assert ApiToken.objects.get(user=agent).revoked_at is not None
    assert not UserSession.objects.filter(user=agent).exists()
    assert colleague.get(DAY).status_code == 200


def test_deactivating_a_user_ends_their_sessions_and_api_tokens(login, users):
    agent = users["agent_td"]
    phone = login(agent)
    token, _row = api_token_issue(user=agent)

    user_deactivate(agent, by=users["admin_user"])

    agent.refresh_from_db()
    assert not agent.is_active
    assert phone.get(DAY)["Location"].startswith("/login/")
    assert not api_works(token)
    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert Event.objects.filter(verb="user_deactivate", object_id=agent.pk).exists()


def test_the_admin_action_deactivates_and_ends_sessions(login, users):
    agent = users["agent_td"]
    phone = login(agent)
    admin = login(users["admin_user"])

    response = admin.post(
        "/admin/core/user/", {"action": "deactivate", "_selected_action": [str(agent.pk)]}
    )

    assert response.status_code == 302
    assert not User.objects.get(pk=agent.pk).is_active
    assert phone.get(DAY)["Location"].startswith("/login/")


def test_unticking_active_in_the_admin_form_ends_the_sessions(login, users):
    agent = users["agent_td"]
    phone = login(agent)
    request = RequestFactory().post("/admin/core/user/")
    request.user = users["admin_user"]
    agent.is_active = False

    class ChangedForm:
        changed_data = ["is_active"]

    UserAdmin(User, admin_site).save_model(request, agent, ChangedForm(), change=True)

    assert phone.get(DAY)["Location"].startswith("/login/")


def test_ending_sessions_can_spare_the_current_one(login, users):
    agent = users["agent_td"]
    here, elsewhere = login(agent), login(agent)

    ended = user_sessions_end(agent, keep_session=here.session.session_key)

    assert ended == 1
    assert here.get(DAY).status_code == 200
    assert elsewhere.get(DAY).status_code == 302


# Re-authentication


def test_changing_the_password_needs_a_recent_authentication(login, users):
    client = login(users["agent_td"])
    shift(client, reauth=6 * 60)

    response = client.get(PASSWORD_PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"{REAUTH}?next=%2Faccount%2Fpassword%2F"


def test_right_after_sign_in_no_second_password_is_asked(login, users):
    assert login(users["agent_td"]).get(PASSWORD_PAGE).status_code == 200


def test_re_authentication_with_the_password_opens_the_page(login, users):
    client = login(users["agent_td"])
    shift(client, reauth=6 * 60)

    response = client.post(REAUTH, {"password": PASSWORD, "next": PASSWORD_PAGE})

    assert response.status_code == 302 and response["Location"] == PASSWORD_PAGE
    assert client.get(PASSWORD_PAGE).status_code == 200


def test_re_authentication_refuses_a_wrong_password(login, users):
    client = login(users["agent_td"])
    shift(client, reauth=6 * 60)

    response = client.post(
        REAUTH, {"password": "not-it", "next": PASSWORD_PAGE}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 200 and "The password is not correct" in response.text
    assert client.get(PASSWORD_PAGE).status_code == 302


def test_re_authentication_of_a_two_factor_user_also_needs_the_code(login, users):
    manager = users["manager_td"]
    client = login(manager)
    shift(client, reauth=6 * 60)

    without = client.post(REAUTH, {"password": PASSWORD})
    device = TOTPDevice.objects.get(user=manager)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    with_code = client.post(REAUTH, {"password": PASSWORD, "code": code(device)})

    assert without.status_code == 200
    assert with_code.status_code == 302


def test_enrolling_a_device_needs_a_recent_authentication(login, users):
    client = login(users["agent_td"])
    shift(client, reauth=6 * 60)

    response = client.get("/account/2fa/setup/")

    assert response["Location"].startswith(f"{REAUTH}?next=")


def test_require_recent_auth_sends_anonymous_users_to_sign_in(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/people/1/export/")
    request.user = AnonymousUser()
    request.session = {}

    response = require_recent_auth(minutes=5)(lambda r: None)(request)

    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_changing_the_password_keeps_this_session_and_ends_the_others(login, users):
    agent = users["agent_td"]
    here, elsewhere = login(agent), login(agent)
    token, _row = api_token_issue(user=agent)

    response = here.post(
        PASSWORD_PAGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert here.get(DAY).status_code == 200
    assert elsewhere.get(DAY)["Location"].startswith("/login/")
    assert not api_works(token)
    assert UserSession.objects.filter(session_key=here.session.session_key).exists()

"""Signing in: password hashing, lockout after 6 failures, two-factor codes, API tokens."""

import re
import time
from base64 import b32decode
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import check_password, make_password
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta import settings as project_settings
from orienta.accounts.twofactor import ROLES_REQUIRING_2FA
from orienta.conftest import PASSWORD
from orienta.core.models import ApiToken, Role, User
from orienta.demo.build import DEMO_TOTP_SECRET, demo_device_add
from orienta.demo.data import ACCOUNTS

LOGIN = "/login/"
VERIFY = "/account/2fa/verify/"
SETUP = "/account/2fa/setup/"
TOKEN = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _english(users):
    """Messages are checked in English: a signed-in user's own language wins over the browser's."""
    User.objects.update(language="en")


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's phone shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, language="en", **data):
    return client.post(
        LOGIN,
        {"username": username, "password": password, **data},
        headers={"Accept-Language": language},
    )


def token_request(username: str, password: str = PASSWORD, language: str = "en", **body):
    return Client().post(
        TOKEN,
        {"username": username, "password": password, **body},
        content_type="application/json",
        headers={"Accept-Language": language},
    )


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


# Password hashing


def test_passwords_are_hashed_with_argon2id_at_the_asvs_minimum(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS

    encoded = make_password("correct horse battery staple")

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("correct horse battery staple", encoded)


# Lockout


def test_the_sixth_wrong_password_locks_the_sign_in_with_a_message(client, users):
    for _ in range(5):
        response = sign_in(client, "agent_td", "wrong-password")
        assert response.status_code == 200
        assert "did not match" in response.text

    response = sign_in(client, "agent_td", "wrong-password", next="/day/")

    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert "blocked for 30 minutes" in response.text
    assert 'name="username"' in response.text  # the sign-in page, not a bare error page


def test_a_locked_account_stays_closed_even_with_the_right_password(client, users):
    for _ in range(6):
        sign_in(client, "agent_td", "wrong-password")

    response = sign_in(client, "agent_td")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_translated(client, users):
    for _ in range(6):
        response = sign_in(client, "agent_td", "wrong-password", language="pt")

    assert response.status_code == 429
    assert "30 minutos" in response.text


def test_a_lockout_blocks_one_username_not_the_office(client, users):
    for _ in range(6):
        sign_in(client, "agent_td", "wrong-password")

    response = sign_in(Client(), "agent_td2")  # a colleague on the same address

    assert response.status_code == 302


def test_the_lockout_ends_after_30_minutes(client, users):
    for _ in range(6):
        sign_in(client, "agent_td", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    assert sign_in(client, "agent_td").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, users):
    for _ in range(5):
        sign_in(client, "agent_td", "wrong-password")
    assert sign_in(Client(), "agent_td").status_code == 302

    for _ in range(5):
        response = sign_in(client, "agent_td", "wrong-password")

    assert response.status_code == 200


def test_wrong_api_passwords_count_and_a_locked_api_answers_429_in_json(users):
    for _ in range(5):
        assert token_request("agent_td", "wrong-password").status_code == 401

    response = token_request("agent_td", "wrong-password", language="fr")

    assert response.status_code == 429
    assert "bloquée pendant 30 minutes" in response.json()["detail"]
    assert token_request("agent_td").status_code == 429
    assert not ApiToken.objects.exists()


def test_page_and_api_failures_add_up(client, users):
    for _ in range(3):
        sign_in(client, "agent_td", "wrong-password")
    for _ in range(3):
        token_request("agent_td", "wrong-password")

    assert sign_in(client, "agent_td").status_code == 429


# Two-factor: who needs it, setup, verification


def test_the_roles_that_see_most_require_two_factor():
    assert {Role.MANAGER, Role.COORDINATOR, Role.ME, Role.ADMIN} == ROLES_REQUIRING_2FA


def test_a_manager_without_a_device_is_sent_to_setup(client, users):
    device_of(users["manager_td"]).delete()

    assert sign_in(client, "manager_td").status_code == 302
    response = client.get("/people/")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fpeople%2F"
    assert client.get(response["Location"]).status_code == 200


def test_the_setup_page_shows_the_secret_and_an_inline_svg_qr_code(client, users):
    device_of(users["manager_td"]).delete()
    sign_in(client, "manager_td")

    page = client.get(SETUP).text

    pending = TOTPDevice.objects.get(user=users["manager_td"], confirmed=False)
    secret = "".join(page.split('<code class="secret">')[1].split("</code>")[0].split())
    assert b32decode(secret).hex() == pending.key
    svg = page.split('<div class="qr">')[1].split("</div>")[0]
    assert svg.startswith('<svg role="img"') and "<path" in svg
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert "<image" not in svg and "href" not in svg and "<script" not in svg
    assert "<?xml" not in page


def test_reloading_the_setup_page_keeps_the_same_secret(client, users):
    device_of(users["manager_td"]).delete()
    sign_in(client, "manager_td")

    client.get(SETUP)
    client.get(SETUP)

    assert TOTPDevice.objects.filter(user=users["manager_td"]).count() == 1


def test_the_first_code_confirms_the_device_and_opens_the_site(client, users):
    device_of(users["manager_td"]).delete()
    sign_in(client, "manager_td")
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=users["manager_td"], confirmed=False)

    response = client.post(SETUP, {"code": code(pending), "next": "/people/"})

    assert response.status_code == 302 and response["Location"] == "/people/"
    pending.refresh_from_db()
    assert pending.confirmed
    assert client.get("/people/").status_code == 200


def test_a_wrong_code_at_setup_leaves_two_factor_off(client, users):
    device_of(users["manager_td"]).delete()
    sign_in(client, "manager_td")
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=users["manager_td"], confirmed=False)
    wrong = f"{(int(code(pending)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.text
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed
    assert client.get("/people/")["Location"].startswith(SETUP)


def test_a_manager_with_a_device_enters_a_code_after_the_password(client, users):
    device = device_of(users["manager_td"])
    sign_in(client, "manager_td")

    response = client.get("/people/")
    assert response["Location"] == f"{VERIFY}?next=%2Fpeople%2F"
    response = client.post(VERIFY, {"code": code(device), "next": "/people/"})

    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/people/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, users):
    device = device_of(users["manager_td"])
    sign_in(client, "manager_td")
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.text
    assert client.get("/people/")["Location"].startswith(VERIFY)
    assert AccessAttempt.objects.get(username="manager_td").failures_since_start == 1


def test_a_used_code_cannot_be_used_again(client, users):
    device = device_of(users["manager_td"])
    sign_in(client, "manager_td")
    used = code(device)
    client.post(VERIFY, {"code": used})

    other = Client()
    sign_in(other, "manager_td")
    response = other.post(VERIFY, {"code": used})

    assert response.status_code == 200
    assert "already used" in response.text


def test_six_wrong_codes_end_the_session_with_the_lockout_message(client, users):
    device = device_of(users["manager_td"])
    sign_in(client, "manager_td")
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    for _ in range(6):
        response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_password_alone_cannot_replace_a_device(client, users):
    device = device_of(users["manager_td"])
    sign_in(client, "manager_td")

    response = client.get(SETUP)

    assert response["Location"] == f"{VERIFY}?next=%2Faccount%2F2fa%2Fsetup%2F"
    assert list(TOTPDevice.objects.filter(user=users["manager_td"])) == [device]


def test_an_agent_without_a_device_needs_no_code(client, users):
    sign_in(client, "agent_td")

    assert client.get("/day/").status_code == 200


def test_an_agent_who_turned_two_factor_on_is_asked_for_the_code(client, users):
    agent = users["agent_td"]
    TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)

    sign_in(client, "agent_td")

    assert client.get("/day/")["Location"] == f"{VERIFY}?next=%2Fday%2F"


def test_an_agent_may_turn_two_factor_on(login, users):
    client = login(users["agent_td"])
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=users["agent_td"], confirmed=False)

    response = client.post(SETUP, {"code": code(pending)})

    assert response.status_code == 302
    assert device_of(users["agent_td"]).pk == pending.pk


def test_the_admin_needs_a_verified_session(users):
    client = Client()
    client.force_login(users["admin_user"])  # password only, no code yet

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_logging_out_stays_possible_before_the_code(client, users):
    sign_in(client, "manager_td")

    response = client.post("/logout/")

    assert response.status_code == 302 and "_auth_user_id" not in client.session


# API tokens and two-factor


def test_an_api_token_for_a_two_factor_account_needs_the_code(users):
    response = token_request("manager_td", language="fr")

    assert response.status_code == 401
    body = response.json()
    assert body["otp_required"] is True
    assert "authentification à deux facteurs" in body["detail"]
    assert not ApiToken.objects.exists()


def test_an_api_token_with_the_right_code_is_issued(users):
    device = device_of(users["manager_td"])

    response = token_request("manager_td", otp=code(device))

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=users["manager_td"]).count() == 1


def test_a_wrong_api_code_is_refused_and_counts_towards_the_lockout(users):
    device = device_of(users["manager_td"])
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    response = token_request("manager_td", otp=wrong)

    assert response.status_code == 401
    assert response.json()["otp_required"] is True
    assert AccessAttempt.objects.get(username="manager_td").failures_since_start == 1


def test_an_api_token_for_a_manager_without_a_device_is_refused(users):
    device_of(users["manager_td"]).delete()

    response = token_request("manager_td", otp="123456")

    assert response.status_code == 401
    assert "set it up first on the website" in response.json()["detail"]


def test_an_agent_gets_an_api_token_without_a_code(users):
    response = token_request("agent_td")

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires_at"}


# Demo accounts


def test_the_demo_device_uses_the_published_secret(users):
    device = demo_device_add(users["manager_td"])

    assert device.confirmed
    assert device.bin_key == b32decode(DEMO_TOTP_SECRET)


def test_the_demo_accounts_that_need_two_factor_are_those_the_readme_lists():
    needing = {name for name, role, *_rest in ACCOUNTS if role in ROLES_REQUIRING_2FA}

    assert needing == {"manager-td", "coordinator-td", "coordinator-mz", "me-hq", "admin"}


@override_settings(DEMO=True)
def test_demo_otp_prints_the_code_the_demo_device_accepts(users):
    device = demo_device_add(users["agent_td"])
    out = StringIO()

    call_command("demo_otp", stdout=out, stderr=StringIO())

    printed = out.getvalue().strip()
    assert len(printed) == 6 and printed.isdigit()
    assert device.verify_token(printed)


def test_demo_otp_refuses_outside_demo_mode(settings):
    settings.DEMO = False

    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_otp", stdout=StringIO())

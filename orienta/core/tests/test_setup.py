"""Start-up rules, health check, languages and time zones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from orienta.frontdesk.models import Visit
from orienta.settings import INSECURE_DEFAULT_KEY

ROOT = Path(__file__).resolve().parents[3]


def _import_settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ORIENTA_DEMO")}
    return subprocess.run(
        [sys.executable, "-c", "import orienta.settings"],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_without_a_secret_outside_demo_mode():
    result = _import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_refuses_the_demo_secret_outside_demo_mode():
    assert _import_settings(SECRET_KEY=INSECURE_DEFAULT_KEY).returncode != 0


def test_demo_mode_starts_without_a_secret():
    assert _import_settings(ORIENTA_DEMO="1").returncode == 0


def test_the_benchmark_is_installed_only_when_asked_for():
    apps = "from orienta.settings import INSTALLED_APPS as a; print('orienta.bench' in a)"
    env = {k: v for k, v in os.environ.items() if k != "ORIENTA_BENCH"} | {"ORIENTA_DEMO": "1"}

    def installed(**extra) -> str:
        command = [sys.executable, "-c", apps]
        run = subprocess.run(command, cwd=ROOT, env=env | extra, capture_output=True, text=True)
        return run.stdout.strip()

    assert installed() == "False"
    assert installed(ORIENTA_BENCH="1") == "True"


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_user_without_a_language_gets_the_site_language(login, users):
    client = login(users["agent_mz"])
    response = client.get(reverse("frontdesk:day"))
    assert '<html lang="pt">' in response.text


def test_a_user_language_wins_over_the_site_language(login, users):
    users["agent_mz"].language = "en"
    users["agent_mz"].save()
    response = login(users["agent_mz"]).get(reverse("frontdesk:day"))
    assert '<html lang="en">' in response.text


def test_the_language_switcher_keeps_the_choice_on_the_account(login, users):
    client = login(users["agent_td"])
    response = client.post(reverse("core:set_language"), {"language": "pt", "next": "/day/"})
    assert response.status_code == 302 and response["Location"] == "/day/"
    users["agent_td"].refresh_from_db()
    assert users["agent_td"].language == "pt"
    assert '<html lang="pt">' in client.get("/day/").text


def test_the_language_switcher_refuses_other_hosts_and_unknown_languages(login, users):
    client = login(users["agent_td"])
    response = client.post(
        reverse("core:set_language"), {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    users["agent_td"].refresh_from_db()
    assert users["agent_td"].language == ""


@pytest.mark.parametrize(
    "lang,expected", [("fr", "4 mai 1990"), ("pt", "4 de Maio de 1990"), ("en", "May 4, 1990")]
)
def test_dates_follow_the_user_language(login, users, persons, lang, expected):
    users["agent_td"].language = lang
    users["agent_td"].save()
    page = login(users["agent_td"]).get(reverse("frontdesk:person", args=[persons["person_td"].pk]))
    assert expected.lower() in page.text.lower()


def test_visit_times_are_shown_in_the_site_time_zone(login, users, persons):
    import datetime

    # 12:00 UTC is 13:00 in N'Djamena (UTC+1).
    at = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
    Visit.objects.create(
        site=persons["person_td"].site,
        person=persons["person_td"],
        agent=users["agent_td"],
        occurred_at=at,
        outcome="informed",
    )
    with translation.override("fr"):
        page = login(users["agent_td"]).get(
            reverse("frontdesk:person", args=[persons["person_td"].pk])
        )
    assert "13:00" in page.text


def test_pages_load_nothing_from_other_hosts(login, users, persons):
    page = login(users["agent_td"]).get(reverse("frontdesk:day")).text
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    assert "//" not in page.split("<body>")[0].replace("://", "")


def test_pages_send_a_content_security_policy(client, db):
    response = client.get(reverse("accounts:login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

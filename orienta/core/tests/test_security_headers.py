"""Response headers and the deployment check: HTTPS, HSTS, no caching of personal data."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client

from orienta.core.services import api_token_issue

ROOT = Path(__file__).resolve().parents[3]


def test_a_person_page_is_never_stored(login, users, persons):
    response = login(users["agent_td"]).get(f"/people/{persons['person_td'].pk}/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_never_stored(users):
    token, _row = api_token_issue(user=users["agent_td"])

    response = Client().get("/api/v1/persons", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(client):
    response = client.get("/static/orienta/orienta.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_https_answers_tell_browsers_to_stay_on_https(client, db):
    response = client.get("/healthz", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_sent_to_https_in_production(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # loads the middleware with the setting on

    response = client.get("/login/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200  # load balancers probe over HTTP


def test_pages_forbid_sniffing_framing_and_referrers(client, db):
    response = client.get("/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ORIENTA_DEMO": "0",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "orienta.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout

"""Settings a production server reads from its environment: behind a proxy, several app
servers (a shared cache, a read replica), static files without warnings."""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

from django.test import Client
from whitenoise.middleware import WhiteNoiseMiddleware

from orienta.conftest import PASSWORD
from orienta.lib.replica import reads_marked

ROOT = Path(__file__).resolve().parents[3]


def _run(code: str, **env) -> subprocess.CompletedProcess:
    """Python code run with the project's settings under this environment (and nothing set
    that a server's environment would not have)."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    base = {name: value for name, value in os.environ.items() if name in keep}
    base |= {"SECRET_KEY": "a-test-secret-that-is-long-enough-for-this", "ORIENTA_DEMO": "0"}
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'orienta.settings'; "
    setup += "django.setup(); from django.conf import settings; "
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=False,
    )


def _settings(*names: str, **env) -> dict:
    code = f"import json; print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}},"
    code += " default=str))"
    result = _run(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# Static files


def test_the_development_server_does_not_warn_about_a_missing_static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "not-collected-yet"

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        middleware = WhiteNoiseMiddleware(get_response=lambda request: None)

    assert middleware.use_finders  # files come from the source folders


# Behind a reverse proxy


def _sign_in(username: str, password: str, forwarded_for: str):
    return Client().post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_proxy_the_lockout_blocks_the_guesser_not_everyone(users, settings):
    settings.ACCESS_LOG_PROXY_COUNT = 1  # PROXY_COUNT=1: every request comes from the proxy
    for _ in range(6):
        _sign_in("agent_td", "wrong-password", forwarded_for="203.0.113.5")

    assert _sign_in("agent_td", PASSWORD, forwarded_for="203.0.113.5").status_code == 429
    assert _sign_in("agent_td", PASSWORD, forwarded_for="198.51.100.7").status_code == 302


def test_proxy_count_reaches_the_access_log_and_the_lockout():
    found = _settings("ACCESS_LOG_PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE", PROXY_COUNT="1")

    assert found["ACCESS_LOG_PROXY_COUNT"] == 1
    assert found["AXES_CLIENT_IP_CALLABLE"] == "orienta.audit.services.client_ip"


# Several app servers: the cache they share


def test_the_cache_is_a_folder_by_default_and_a_table_on_request():
    by_default = _settings("CACHES")["CACHES"]["default"]
    shared = _settings("CACHES", CACHE_BACKEND="database")["CACHES"]["default"]

    assert by_default["BACKEND"].endswith("FileBasedCache")
    assert shared == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "orienta_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},  # the results' figures kept (reporting/engine.py)
    }
    assert by_default["OPTIONS"] == {"MAX_ENTRIES": 20_000}


def test_an_unknown_cache_backend_is_refused_with_the_choices():
    result = _run("", CACHE_BACKEND="redis")

    assert result.returncode != 0
    assert "CACHE_BACKEND is 'redis': use 'file'" in result.stderr


# Several app servers: a read replica for reports


def test_without_a_replica_there_is_one_database_and_no_router():
    found = _settings("DATABASES", "DATABASE_ROUTERS")

    assert list(found["DATABASES"]) == ["default"]
    assert found["DATABASE_ROUTERS"] == []


def test_postgresql_binds_parameters_on_the_server_and_sqlite_is_left_alone():
    on_postgresql = _settings("DATABASES", DATABASE_URL="postgres://orienta@db.example/orienta")
    on_sqlite = _settings("DATABASES", DATABASE_URL="sqlite:////tmp/orienta-settings.sqlite3")

    assert on_postgresql["DATABASES"]["default"]["OPTIONS"]["server_side_binding"] is True
    assert "server_side_binding" not in on_sqlite["DATABASES"]["default"]["OPTIONS"]


def test_a_postgresql_replica_is_read_only_and_mirrors_the_primary_in_tests():
    found = _settings(
        "DATABASES",
        "DATABASE_ROUTERS",
        DATABASE_URL="postgres://orienta@db.example:5432/orienta",
        DATABASE_REPLICA_URL="postgres://orienta@replica.example:5432/orienta",
    )

    replica = found["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.example"
    assert replica["OPTIONS"]["options"] == "-c default_transaction_read_only=on"
    assert replica["TEST"]["MIRROR"] == "default"
    assert found["DATABASE_ROUTERS"] == ["orienta.lib.replica.ReplicaRouter"]


ROUTING = """
from django.db import connections
from orienta.core.models import Country
from orienta.lib.replica import replica_reads
from orienta.sync.models import Change, Counter
for alias in ("default", "replica"):
    with connections[alias].schema_editor() as editor:
        editor.create_model(Country)
        for journal in (Change, Counter):  # a write is journaled for the sync
            editor.create_model(journal)
row = dict(id="0190f1a2-0000-7000-8000-000000000001", currency="XAF", language="fr",
           timezone="Africa/Ndjamena", phone_prefix="+235")  # the same row on both, as replicated
Country.objects.using("default").create(code="TD", name_fr="Tchad", name_pt="-", name_en="-",
                                        **row)
Country.objects.using("replica").create(code="TD", name_fr="Tchad (replica)", name_pt="-",
                                        name_en="-", **row)
seen = {"outside": Country.objects.get(code="TD").name_fr}
with replica_reads():
    seen["marked"] = Country.objects.get(code="TD").name_fr
    country = Country.objects.get(code="TD")
    country.name_fr = "Tchad (saved)"
    country.save()
seen["after"] = Country.objects.get(code="TD").name_fr
with replica_reads():
    seen["replica after"] = Country.objects.get(code="TD").name_fr
print(json.dumps(seen))
"""


def test_only_marked_reads_go_to_the_replica_and_writes_never(tmp_path):
    result = _run(
        "import json\n" + ROUTING,
        DATABASE_URL=f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "outside": "Tchad",
        "marked": "Tchad (replica)",
        "after": "Tchad (saved)",  # read on the replica, saved on the primary
        "replica after": "Tchad (replica)",
    }


def test_the_spending_report_marks_its_reads_for_the_replica(login, users, monkeypatch):
    from orienta.fund import views_reports

    marked = []
    periods_for = views_reports.queries.periods_for

    def spy(user):
        marked.append(reads_marked())
        return periods_for(user)

    monkeypatch.setattr(views_reports.queries, "periods_for", spy)

    response = login(users["manager_td"]).get("/fund/report/")

    assert response.status_code == 200
    assert marked == [True]
    assert not reads_marked()

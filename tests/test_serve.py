"""`make serve` (deploy/serve) refuses to start without a real secret; the browser test
(tests/browser/test_serve.py) runs a journey against it."""

import os
import subprocess

from tests.serving import ROOT, SERVE, production_env


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SERVE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, PORT="8999")
    del env["SECRET_KEY"]

    result = _serve(env)

    assert result.returncode == 2
    assert result.stderr.startswith("serve: SECRET_KEY is not set;")
    assert "secrets.token_urlsafe(50)" in result.stderr  # how to make one
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # nothing was migrated, nothing started
    assert not (tmp_path / "static").exists()


def test_serve_refuses_the_demo_key_with_the_settings_message(tmp_path):
    from orienta.settings import INSECURE_DEFAULT_KEY

    result = _serve(production_env(tmp_path, SECRET_KEY=INSECURE_DEFAULT_KEY, ORIENTA_DEMO="1"))

    assert result.returncode == 2  # demo mode from the shell does not reach the server
    assert result.stderr == (
        "serve: SECRET_KEY is missing or is the demo default. Set a long random SECRET_KEY, "
        "or set ORIENTA_DEMO=1 to run the demo.\n"
    )
    assert not (tmp_path / "serve.sqlite3").exists()


def test_make_serve_runs_the_serve_script_with_the_port_and_no_demo_mode():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # not a sub-make
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "serve", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    command = result.stdout.strip().splitlines()[-1]
    assert command == "PORT=8123 SERVE_LOCAL_HTTP=0 deploy/serve"

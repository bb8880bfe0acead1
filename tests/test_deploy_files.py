"""The installation guide and the files under deploy/ name only what exists: management
commands, settings read from the environment, scripts the systemd units start."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALLED_AT = "/srv/orienta/app/"
# Read by gunicorn itself rather than by Orienta's files.
GUNICORN_VARIABLES = {"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"}


def _texts() -> dict[str, str]:
    files = [ROOT / "docs" / "deploy.md", *DEPLOY.iterdir(), *(DEPLOY / "systemd").iterdir()]
    return {str(f.relative_to(ROOT)): f.read_text() for f in files if f.is_file()}


def test_every_management_command_named_exists():
    commands = set(get_commands())
    named = {
        (name, command)
        for name, text in _texts().items()
        for command in re.findall(r"(?:manage\.py|deploy/manage|\"\$PY\" manage\.py) (\w+)", text)
    }

    assert {c for _, c in named} >= {"run_tasks", "backup_create", "verify_access_log"}
    assert [(name, c) for name, c in sorted(named) if c not in commands] == []


def test_every_variable_of_the_settings_file_is_read():
    example = (DEPLOY / "orienta.env.example").read_text()
    variables = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", example, re.MULTILINE))
    readers = (ROOT / "orienta" / "settings.py").read_text()
    readers += (DEPLOY / "gunicorn.conf.py").read_text()

    assert len(variables) > 15
    unread = {v for v in variables - GUNICORN_VARIABLES if f'"{v}"' not in readers}
    assert unread == set()


def test_the_units_start_scripts_of_the_repository():
    started = {
        line.split("=", 1)[1].split()[0]
        for unit in (DEPLOY / "systemd").iterdir()
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=") and INSTALLED_AT in line
    }

    assert len(started) == 3  # the python of the virtualenv, backup, restore-drill
    for path in started:
        in_repository = ROOT / path.removeprefix(INSTALLED_AT)
        if ".venv" not in path:
            assert in_repository.is_file() and in_repository.stat().st_mode & 0o111, path

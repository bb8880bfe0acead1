"""Encrypted backups: made from a live database, restored into an empty one, equal row for row."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from orienta.audit.exports import export_create, export_read
from orienta.audit.models import Export
from orienta.conftest import _seed_again
from orienta.core import backup
from orienta.core.models import Event, Theme
from orienta.frontdesk.services import visit_record
from orienta.lib import sealed
from orienta.people import rights, services
from orienta.people.models import Person
from orienta.testing.schema import SNAPSHOT, new_database, snapshot

KEY = "a-long-backup-passphrase-for-tests"


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(backup.KEY_ENV, KEY)
    return KEY.encode()


@pytest.fixture
def busy(world, users, persons):
    """The shared world with visits (and their themes), a household, a merge, consent changes."""
    agent, site = users["agent_td"], world["sites"]["td"]
    achta = persons["person_td"]
    themes = list(Theme.objects.filter(code__in=["gbv", "health", "rights"]))
    for days, person in enumerate([achta, achta, None]):
        visit_record(
            site=site,
            by=agent,
            person=person,
            data={
                "themes": themes[: days + 1],
                "channel": "walk_in",
                "outcome": "informed",
                "notes": "Première visite" if person else "",
                "occurred_at": timezone.now() - datetime.timedelta(days=days),
                "anonymous_sex": "male",
                "anonymous_age_band": "15-24",
            },
        )
    household = services.household_create(head=achta, by=agent, locality="Chagoua")
    other = services.person_register(
        site=site,
        by=agent,
        data={"given_name": "Moussa", "family_name": "Mahamat", "sex": "male", "documents": []},
    )
    services.household_add_member(household=household, person=other, relationship="child", by=agent)
    duplicate = services.person_register(
        site=site,
        by=agent,
        data={"given_name": "Ashta", "family_name": "Mahamat", "sex": "female", "documents": []},
    )
    services.person_merge(survivor=achta, merged=duplicate, by=users["manager_td"])
    services.person_update(
        person=other,
        data={"given_name": "Moussa", "family_name": "Mahamat", "sex": "male"}
        | {"consent_processing": True},
        expected_version=1,
        by=agent,
    )
    rights.consent_withdraw(person=other, purpose="processing", by=agent, note="par téléphone")
    return persons


def _hashable(value):
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def every_row() -> dict[str, set]:
    """Every row of every backed-up table, including many-to-many links (without their ids)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in backup.NOT_BACKED_UP:
            continue
        names = [
            f.attname for f in meta.concrete_fields if not (meta.auto_created and f.primary_key)
        ]
        rows[meta.label_lower] = {
            tuple(_hashable(v) for v in row) for row in model._base_manager.values_list(*names)
        }
    return rows


def _empty_instance():
    """What a new instance holds after `migrate`: content types, permissions, seeds."""
    call_command("flush", interactive=False, verbosity=0)
    _seed_again()


@pytest.fixture
def fresh(transactional_db):
    """A database as `migrate` leaves it, whatever an earlier transactional test left behind.

    (Not serialized_rollback: after another transactional test's flush, the content types
    have new keys and reloading the serialized ones collides with them on PostgreSQL.)
    """
    _empty_instance()


def _files(root) -> dict[str, bytes]:
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_restored_instance_holds_every_row_of_every_table_and_every_file(
    fresh, busy, key, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "receipts" / "2026").mkdir(parents=True)
    (tmp_path / "media" / "receipts" / "2026" / "R-0001.jpg").write_bytes(bytes(range(256)) * 40)
    export = export_create(
        by=busy["person_td"].created_by,
        reason="Request of the person",
        filename="export.json",
        content_type="application/json",
        data='{"given_name": "Achta"}',
        person=busy["person_td"],
    )
    files = _files(settings.MEDIA_ROOT)
    assert len(files) == 2
    before = every_row()
    assert len(before["people.person"]) == 5 and len(before["frontdesk.visit_themes"]) == 6
    assert before["core.user_sites"] and before["people.consentevent"]
    assert before["people.personmerge"] and before["core.event"]
    target = tmp_path / "orienta.backup"
    call_command("backup_create", output=str(target), stdout=StringIO())
    _empty_instance()
    assert not Person.objects.exists()
    settings.MEDIA_ROOT = str(tmp_path / "new-media")  # a new, empty instance
    call_command("backup_restore", str(target), stdout=StringIO())
    after = every_row()
    assert {k: v for k, v in after.items() if v != before[k]} == {}
    assert _files(settings.MEDIA_ROOT) == files
    assert export_read(Export.objects.get(pk=export.pk)) == b'{"given_name": "Achta"}'
    # Work goes on: counters and sequences follow the restored rows (match keys have serial ids).
    agent = busy["person_td"].created_by
    person = services.person_register(
        site=busy["person_td"].site,
        by=agent,
        data={"given_name": "Zara", "family_name": "Oumar", "sex": "female", "documents": []},
    )
    assert person.code == "TD-NDJ1-000004" and person.match_keys.exists()


def test_a_wrong_key_a_damaged_or_cut_file_restore_nothing(fresh, busy, key, tmp_path, monkeypatch):
    monkeypatch.setattr(sealed, "CHUNK", 4096)  # many chunks, so the end can be cut off
    target = tmp_path / "orienta.backup"
    backup.backup_create(target, key)
    data = target.read_bytes()
    damaged = tmp_path / "damaged"
    damaged.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    header = len(sealed.MAGIC) + sealed._Header.LAYOUT.size
    last_chunk = (len(data) - header) % (4096 + sealed.TAG) or 4096 + sealed.TAG
    cut = tmp_path / "cut"
    cut.write_bytes(data[:-last_chunk])
    _empty_instance()
    counts = {m: m._base_manager.count() for m in backup.backed_up_models()}
    for source, passphrase, message in [
        (target, b"not-the-right-passphrase", "wrong key"),
        (damaged, key, "damaged"),
        (cut, key, "cut short"),
    ]:
        with pytest.raises(backup.BackupError, match=message):
            backup.backup_restore(source, passphrase)
        assert {m: m._base_manager.count() for m in backup.backed_up_models()} == counts
    monkeypatch.setenv(backup.KEY_ENV, "not-the-right-passphrase")
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("backup_restore", str(target))


def test_restore_refuses_a_database_that_holds_data(busy, key, tmp_path):
    target = tmp_path / "orienta.backup"
    backup.backup_create(target, key)
    events = Event.objects.count()
    with pytest.raises(CommandError, match="already holds data: .*people.person"):
        call_command("backup_restore", str(target))
    assert Event.objects.count() == events


def test_uploaded_files_are_backed_up_and_restored(fresh, world, key, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "slips").mkdir(parents=True)
    (tmp_path / "media" / "slips" / "R-0001.pdf").write_bytes(b"%PDF-1.7 slip")
    target = tmp_path / "orienta.backup"
    manifest = backup.backup_create(target, key)
    assert manifest["media_files"] == 1
    _empty_instance()
    with pytest.raises(backup.BackupError, match="MEDIA_ROOT"):
        backup.backup_restore(target, key)  # the old files are still there
    settings.MEDIA_ROOT = str(tmp_path / "new-media")
    backup.backup_restore(target, key)
    assert (tmp_path / "new-media" / "slips" / "R-0001.pdf").read_bytes() == b"%PDF-1.7 slip"


def test_the_backup_file_holds_nothing_in_clear(busy, key, tmp_path):
    target = tmp_path / "orienta.backup"
    backup.backup_create(target, key)
    data = target.read_bytes()
    assert data.startswith(sealed.MAGIC)
    for clear in (b"Mahamat", "Première".encode(), b"people.person", b"manifest.json"):
        assert clear not in data
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_key_is_required_and_never_a_short_one(db, tmp_path, monkeypatch):
    monkeypatch.delenv(backup.KEY_ENV, raising=False)
    target = tmp_path / "orienta.backup"
    with pytest.raises(CommandError, match="No backup key"):
        call_command("backup_create", output=str(target))
    monkeypatch.setenv(backup.KEY_ENV, "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("backup_create", output=str(target))
    assert not target.exists()
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    call_command("backup_create", output=str(target), key_file=str(key_file), stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_create", output=str(target), key_file=str(key_file))
    assert backup.read_passphrase(str(key_file)) == KEY.encode()


def _manage(*args, env, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


COUNT_ROWS = (
    "import json; from orienta.core import backup; "
    "print(json.dumps({m._meta.label_lower: m._base_manager.count() "
    "for m in backup.backed_up_models()}))"
)


def test_the_commands_restore_into_a_freshly_migrated_instance(busy, key, tmp_path):
    """End to end, as on a new server: migrate a new database of the engine the suite runs on
    (the migrations' only run in the suite: its own databases are built from the models), find
    the schema the models give, restore, count every table."""
    target = tmp_path / "orienta.backup"
    manifest = backup.backup_create(target, key)
    with new_database(tmp_path) as url:
        env = os.environ | {
            "DATABASE_URL": url,
            "SECRET_KEY": "backup-test-not-secret",
            "ORIENTA_DEMO": "0",
            "MEDIA_ROOT": str(tmp_path / "new-media"),
            backup.KEY_ENV: KEY,
        }
        env.pop("DATABASE_REPLICA_URL", None)
        _manage("migrate", "-v", "0", env=env)
        migrated_schema = json.loads(_manage("shell", "-v", "0", "-c", SNAPSHOT, env=env).stdout)
        assert migrated_schema == snapshot(connection)
        migrated = json.loads(_manage("shell", "-v", "0", "-c", COUNT_ROWS, env=env).stdout)
        assert {label for label, n in migrated.items() if n} <= backup.WRITTEN_BY_MIGRATE
        _manage("backup_restore", str(target), env=env)
        restored = json.loads(_manage("shell", "-v", "0", "-c", COUNT_ROWS, env=env).stdout)
        assert {k: v for k, v in restored.items() if v} == {
            k: v for k, v in manifest["counts"].items() if v
        }
        again = _manage("backup_restore", str(target), env=env, check=False)
        assert again.returncode != 0 and "already holds data" in again.stderr


def test_every_table_but_sessions_is_in_the_backup():
    tables = {m._meta.label_lower for m in apps.get_models() if m._meta.managed}
    assert tables - {m._meta.label_lower for m in backup.backed_up_models()} == {"sessions.session"}

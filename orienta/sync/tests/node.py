"""A site node for the tests: a second instance of Orienta in its own process and database.

The node runs `manage.py` in a subprocess with ORIENTA_NODE=1 and its own DATABASE_URL (a
SQLite file), as it would on a laptop at a site; the central server is pytest-django's
`live_server` on loopback, on the test database. The node's database starts as a copy of the
test database's schema (the same migrations, applied once) with every row removed, which is
what `migrate` gives minus the seeded rows (enrolment replaces those with the central's).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
KEEP = {"django_migrations", "sqlite_sequence"}


_MIGRATED: list[Path] = []


def _sqlite_schema(path: Path) -> None:
    """The schema on SQLite at `path`: a copy of the test database's when it is SQLite; when
    the central server runs on PostgreSQL, an SQLite database migrated once (about a minute)
    and copied for each node."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return
    if not _MIGRATED:
        template = Path(tempfile.mkdtemp()) / "node-schema.sqlite3"
        env = os.environ | {"DATABASE_URL": f"sqlite:///{template}", "ORIENTA_DEMO": "0"}
        env.pop("DATABASE_REPLICA_URL", None)
        env.setdefault("SECRET_KEY", "node-test-secret")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
        _MIGRATED.append(template)
    shutil.copyfile(_MIGRATED[0], path)


def empty_database(path: Path) -> None:
    """A copy of the test database's schema at `path`, without any row."""
    _sqlite_schema(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = OFF")
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table not in KEEP:
            db.execute(f'DELETE FROM "{table}"')
    db.commit()
    db.close()


class Node:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.media = path.parent / f"{path.stem}-media"
        empty_database(path)
        self.env = os.environ | {
            "ORIENTA_NODE": "1",
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "node-test-secret",
            "ORIENTA_DEMO": "0",
            # Its own files (fund receipts, documents), as a laptop at a site keeps them.
            "MEDIA_ROOT": str(self.media),
        }
        self.env.pop("DATABASE_REPLICA_URL", None)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done

    def run(self, code: str) -> object:
        """Run Python in the node's process (Django set up); what it prints last, as JSON."""
        script = "import json\n" + textwrap.dedent(code)
        done = self.manage("shell", "-c", script)
        return json.loads(done.stdout.strip().splitlines()[-1])

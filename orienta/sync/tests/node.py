"""A site node for the tests: a second instance of Orienta in its own processes and database.

The node runs `manage.py` commands with ORIENTA_NODE=1 and its own DATABASE_URL (a SQLite file),
as it would on a laptop at a site; the central server is pytest-django's `live_server` on
loopback, on the test database. The node's database starts as a copy of the test database's
schema (the same migrations, applied once) with every row removed, which is what `migrate` gives
minus the seeded rows (enrolment replaces those with the central's).

Each command runs in a process of its own, as `manage.py` would, but without starting Python and
Django again each time (about two seconds of CPU a command): a parent process started once per
node, with the node's environment, sets Django up and does nothing else (it never opens the
database), then forks a child for each command. The child begins from that untouched state —
no connection, no cache, the modules as imported — runs the command and exits; what one command
leaves in memory is gone for the next, as when the laptop restarts.
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
TIMEOUT = 600


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
            timeout=TIMEOUT,
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


# The parent of the node's processes. It reads one command a line on its standard input
# ({"argv": [...], "out": path, "err": path}), forks a child that runs it with its standard
# output and error in those files, and answers {"code": exit status} on a line.
FORK_SERVER = r"""
import json, os, sys
import django
django.setup()
from django.core.management import execute_from_command_line, load_command_class
from django.db import connections
# What the commands import, imported once.
for name in ("shell", "sync", "sync_enrol", "sync_status"):
    try:
        load_command_class("orienta.sync" if name.startswith("sync") else "django.core", name)
    except ImportError:
        pass
import orienta.sync.client  # noqa: F401
from django.urls import get_resolver
get_resolver().url_patterns  # the views and the API, which the system checks import
assert all(c.connection is None for c in connections.all()), "the parent opened the database"
answer = os.fdopen(os.dup(1), "w")
for line in sys.stdin:
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for fd, path in ((1, order["out"]), (2, order["err"])):
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, fd)
                os.close(target)
            sys.stdin.close()
            try:
                execute_from_command_line(["manage.py", *order["argv"]])
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
            except BaseException:
                import traceback
                traceback.print_exc()
                code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    answer.write(json.dumps({"code": os.waitstatus_to_exitcode(status)}) + "\n")
    answer.flush()
"""


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
        self._parent: subprocess.Popen | None = None
        self._runs = 0

    def _start(self) -> subprocess.Popen:
        if self._parent is None or self._parent.poll() is not None:
            self._parent = subprocess.Popen(
                [sys.executable, "-c", FORK_SERVER],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self._parent

    def close(self) -> None:
        """Stop the parent of the node's processes (the node's files stay)."""
        parent, self._parent = self._parent, None
        if parent is not None and parent.poll() is None:
            assert parent.stdin is not None
            parent.stdin.close()
            try:
                parent.wait(timeout=10)
            except subprocess.TimeoutExpired:
                parent.kill()
                parent.wait()
        if parent is not None and parent.stdout is not None:
            parent.stdout.close()

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`manage.py *args` at the node, in a process of its own."""
        parent = self._start()
        assert parent.stdin is not None and parent.stdout is not None
        self._runs += 1
        out = self.path.parent / f"{self.path.stem}-{self._runs}.out"
        err = self.path.parent / f"{self.path.stem}-{self._runs}.err"
        parent.stdin.write(json.dumps({"argv": args, "out": str(out), "err": str(err)}) + "\n")
        parent.stdin.flush()
        line = parent.stdout.readline()
        if not line:
            raise AssertionError(f"the node's parent process stopped ({parent.wait()})")
        code = json.loads(line)["code"]
        done = subprocess.CompletedProcess(
            ["manage.py", *args], code, out.read_text(), err.read_text()
        )
        out.unlink()
        err.unlink()
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}: {done.stdout}\n{done.stderr}")
        return done

    def run(self, code: str) -> object:
        """Run Python in a process of the node (Django set up); what it prints last, as JSON."""
        script = "import json\n" + textwrap.dedent(code)
        done = self.manage("shell", "--no-imports", "-c", script)
        return json.loads(done.stdout.strip().splitlines()[-1])

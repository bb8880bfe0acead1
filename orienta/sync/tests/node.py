"""A site node for the tests: a second instance of Orienta in its own processes and database.

The node runs `manage.py` commands with ORIENTA_NODE=1 and its own DATABASE_URL (a SQLite file),
as it would on a laptop at a site; the central server is pytest-django's `live_server` on
loopback, on the test database. The node's database starts as a copy of the test database's
schema (made from the models, as the test database is) with every row removed, which is what
`migrate` gives minus the seeded rows (enrolment replaces those with the central's).

Each command runs in a process of its own, as `manage.py` would, but without starting Python and
Django again each time (about two seconds of CPU a command): a parent process, started once per
test process with a node's environment, sets Django up and does nothing else (it never opens a
database), then forks a child for each command. The child takes its node's database and files
(DATABASE_URL and MEDIA_ROOT, the only settings that differ between nodes), begins from that
untouched state — no connection, no cache, the modules as imported — runs the command and
exits; what one command leaves in memory is gone for the next, as when the laptop restarts.
"""

import atexit
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


_SCHEMA: list[Path] = []


# The models' tables made without the migrations, as `--nomigrations` makes the test database
# (`makemigrations --check` keeps the two the same): what the SQLite suite's nodes copy.
SYNCDB = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command

class NoMigrations(dict):
    def __contains__(self, app):
        return True

    def __getitem__(self, app):
        return None

settings.MIGRATION_MODULES = NoMigrations()
call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
"""


def _sqlite_schema(path: Path) -> None:
    """The schema on SQLite at `path`: a copy of the test database's when it is SQLite; when
    the central server runs on PostgreSQL, an SQLite database made once from the models the
    same way (about a second; applying its migrations took about 20) and copied for each node."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        return
    if not _SCHEMA:
        template = Path(tempfile.mkdtemp()) / "node-schema.sqlite3"
        env = os.environ | {"DATABASE_URL": f"sqlite:///{template}", "ORIENTA_DEMO": "0"}
        env.pop("DATABASE_REPLICA_URL", None)
        env.setdefault("SECRET_KEY", "node-test-secret")
        env.setdefault("DJANGO_SETTINGS_MODULE", "orienta.settings")
        subprocess.run(
            [sys.executable, "-c", SYNCDB], cwd=ROOT, env=env, check=True, timeout=TIMEOUT
        )
        _SCHEMA.append(template)
    shutil.copyfile(_SCHEMA[0], path)


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
from django.conf import settings
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
            # This node's database and files; nothing has read either setting yet.
            os.environ["DATABASE_URL"] = "sqlite:///" + order["database"]
            os.environ["MEDIA_ROOT"] = order["media"]
            settings.MEDIA_ROOT = type(settings.MEDIA_ROOT)(order["media"])
            connections["default"].settings_dict["NAME"] = order["database"]
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


# The parent of the nodes' processes, shared by the nodes of this test process (see above).
_PARENT: list[subprocess.Popen] = []
# Never opened: each command is given its node's database.
_UNSET = Path(tempfile.gettempdir()) / "orienta-node-unset" / "never-opened.sqlite3"


def _parent() -> subprocess.Popen:
    if _PARENT and _PARENT[0].poll() is None:
        return _PARENT[0]
    env = os.environ | {
        "ORIENTA_NODE": "1",
        "DATABASE_URL": f"sqlite:///{_UNSET}",
        "SECRET_KEY": "node-test-secret",
        "ORIENTA_DEMO": "0",
        "MEDIA_ROOT": str(_UNSET.parent / "media"),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    parent = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    _PARENT[:] = [parent]
    return parent


@atexit.register
def _stop_parent() -> None:
    parent = _PARENT.pop() if _PARENT else None
    if parent is None:
        return
    if parent.poll() is None:
        assert parent.stdin is not None
        parent.stdin.close()
        try:
            parent.wait(timeout=10)
        except subprocess.TimeoutExpired:
            parent.kill()
            parent.wait()
    if parent.stdout is not None:
        parent.stdout.close()


class Node:
    def __init__(self, path: Path) -> None:
        self.path = path
        # Its own files (fund receipts, documents), as a laptop at a site keeps them.
        self.media = path.parent / f"{path.stem}-media"
        empty_database(path)
        self._runs = 0

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """`manage.py *args` at the node, in a process of its own."""
        parent = _parent()
        assert parent.stdin is not None and parent.stdout is not None
        self._runs += 1
        out = self.path.parent / f"{self.path.stem}-{self._runs}.out"
        err = self.path.parent / f"{self.path.stem}-{self._runs}.err"
        order = {
            "argv": args,
            "database": str(self.path),
            "media": str(self.media),
            "out": str(out),
            "err": str(err),
        }
        parent.stdin.write(json.dumps(order) + "\n")
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

"""The two live instances of the sync tests: the central server (pytest-django's live server on
loopback) and a site node enrolled to it and synced once."""

from io import StringIO

import pytest
from django.core.management import call_command

from orienta.sync.tests.node import Node


@pytest.fixture
def central(live_server, settings, world, users, persons):
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url


@pytest.fixture
def node(tmp_path, central, world):

    out = StringIO()
    call_command("sync_node_create", "--site", "TD-NDJ1", stdout=out)
    code = out.getvalue().strip().rsplit(": ", 1)[1]
    instance = Node(tmp_path / "node.sqlite3")
    instance.manage("sync_enrol", "--central", central, "--code", code)
    first = instance.manage("sync")
    assert first.stdout.startswith("complete"), first.stdout
    return instance

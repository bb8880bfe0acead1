"""Data sets loaded once for all the tests that read them: the demo, the benchmark's networks.

Loading the demo (`manage.py load_demo`) or generating a network takes seconds, so a data set is
loaded inside a transaction that stays open while the tests that read it run one after the
other; each of them runs in its own savepoint on top of it (pytest-django's `db`), so what a
test writes is gone before the next. The transaction is rolled back as soon as the next test
does not read the data set, so no other test ever sees it; if a test reading it comes again
later (a subset of the suite, in another order), the data set is loaded again.

orienta/conftest.py puts the tests reading a data set together, first (with pytest-xdist, one
worker is sent them all), and rolls the data set back after the last of them
(`pytest_runtest_teardown`).

A data set is declared with a loader and two fixtures, e.g.::

    NETWORK = SharedData("network", lambda: generate(persons=300, seed=7, now=NOW))

    @pytest.fixture(scope="session")
    def _network(django_db_setup, django_db_blocker):
        yield from NETWORK.session(django_db_blocker)

    @pytest.fixture
    def network(_network, db):
        return NETWORK.value

A data set may say which tests read it (`reads`) rather than by its session fixture: the world
and its users, and the world, its users and its persons (orienta/conftest.py), are read by the
tests that ask for `users` without `persons`, and for `persons`, unless they commit for real.
"""

import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from pytest_django import DjangoDbBlocker

from orienta.testing import clock

# Passwords are hashed with the fast hasher the tests use (and some tests check them).
HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The language of the project's settings, before any test changes it.
LANGUAGE = settings.LANGUAGE_CODE

ALL: list["SharedData"] = []


class SharedData:
    """A data set loaded in a transaction held open while consecutive tests read it."""

    def __init__(
        self,
        name: str,
        load: Callable[[], Any],
        *,
        settings_: dict | None = None,
        reads: Callable[[Any], bool] | None = None,
    ):
        self.name = name
        self.session_fixture = f"_{name}"
        self.load = load
        self._reads = reads
        self.settings = settings_ or {}
        self.value: Any = None
        self.loads = 0
        self.blocker: DjangoDbBlocker | None = None
        self._atomic: transaction.Atomic | None = None
        ALL.append(self)

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def read_by(self, item) -> bool:
        """Does the test read the data set? It asks for its session fixture, unless the data set
        says otherwise (`reads`)."""
        if self._reads is not None:
            return self._reads(item)
        return self.session_fixture in getattr(item, "fixturenames", ())

    def session(self, blocker: DjangoDbBlocker) -> Iterator["SharedData"]:
        """The body of the data set's session fixture."""
        self.open(blocker)
        yield self
        self.close()

    def open(self, blocker: DjangoDbBlocker | None = None) -> None:
        """Load the data set unless it is loaded: the rows `migrate` seeds first (a transactional
        test may have flushed them), an hour before the tests' morning, with the tests' fast
        hasher, a cache and a MEDIA_ROOT of its own, in the project's language."""
        self.blocker = blocker or self.blocker
        if self.is_open:
            return
        assert self.blocker is not None, "the session fixture gives the blocker first"
        from orienta.conftest import _seed_again

        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with (
                    tempfile.TemporaryDirectory(prefix=f"orienta-{self.name}-") as media,
                    clock.travel(clock.LOADED_AT),
                    override_settings(
                        PASSWORD_HASHERS=HASHERS,
                        CACHES={
                            "default": {
                                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                "LOCATION": self.name,
                            }
                        },
                        MEDIA_ROOT=media,
                        **self.settings,
                    ),
                    translation.override(LANGUAGE),
                ):
                    _seed_again()
                    self.value = self.load()
                    # The foreign keys, checked once here: on PostgreSQL they wait for a commit
                    # that never comes, and every test's end (pytest-django's teardown) would
                    # check all of the data set's again (0.27 s a test for the demo).
                    connection.check_constraints()
            except BaseException as exc:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                raise
        self._atomic = atomic
        self.loads += 1

    def close(self) -> None:
        """Roll the data set back: the database is as the tests that do not read it expect."""
        if not self.is_open:
            return
        atomic, self._atomic = self._atomic, None
        assert atomic is not None and self.blocker is not None  # open
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def transactional(item) -> bool:
    """Does the test commit for real (`transaction=True`, a live server)? It cannot read a data
    set, which lives in a transaction that is never committed."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


def reading(item) -> "SharedData | None":
    """The data set a test reads, if any."""
    return next((data for data in ALL if data.read_by(item)), None)

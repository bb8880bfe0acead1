"""Sessions kept in the database, as Django keeps them, read with a statement written once.

Every signed-in request reads its session. Django's database store asks the ORM for it each
time (`Session.objects.get(session_key=..., expire_date__gt=now)`), building and compiling the
same statement anew; this store reads the same row with SQL written once per database
(orienta/lib/fixed.py). Writing, expiry and clearing are Django's.
"""

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db.models import Field
from django.utils import timezone

from orienta.accounts.backends import DJANGO_BACKEND, USER_BACKEND
from orienta.lib import fixed

LIVE_SESSION = fixed.Select(
    Session,
    lambda q: f"WHERE t.{q('session_key')} = %s AND t.{q('expire_date')} > %s",
)


class SessionStore(DatabaseStore):
    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        # Signed in before UserBackend replaced Django's backend (2026-12-05): the same users,
        # the same passwords. A session lasts 12 hours at most, so this matters only that long.
        if data.get(BACKEND_SESSION_KEY) == DJANGO_BACKEND:
            data[BACKEND_SESSION_KEY] = USER_BACKEND
        return data

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        if not key:
            return None
        expire_date = Session._meta.get_field("expire_date")
        assert isinstance(expire_date, Field)
        now = timezone.now()
        found = LIVE_SESSION.run(lambda db: [key, fixed.db_value(expire_date, now, db)])
        if not found:
            self._session_key = None
            return None
        return found[0]

"""Writes of the accounts app: ending a user's sessions and API tokens, deactivating a user."""

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orienta.accounts.models import UserSession
from orienta.core.models import ApiToken, User
from orienta.core.services import event_log


def user_sessions_end(user: User, *, keep_session: str | None = None) -> int:
    """End every session of the user and revoke their API tokens; returns the sessions ended.

    `keep_session` spares the caller's own session (after a password change or enrolling a
    two-factor device: the other devices must sign in again, this one goes on). Sessions are
    found through `UserSession` (written at sign-in), and deleted through the session engine,
    so this works whatever SESSION_ENGINE is.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        rows = UserSession.objects.filter(user=user)
        if keep_session:
            rows = rows.exclude(session_key=keep_session)
        keys = list(rows.values_list("session_key", flat=True))
        for key in keys:
            store(session_key=key).delete()
        rows.delete()
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return len(keys)


def user_deactivate(user: User, *, by: User | None) -> None:
    """Disable an account: it can no longer sign in, and its sessions and API tokens end now."""
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        user_sessions_end(user)
        event_log(actor=by, verb="user_deactivate", obj=user)

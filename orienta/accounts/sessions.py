"""What a signed-in session carries, and how long it may last.

A session ends after `SESSION_IDLE_TIMEOUT` seconds without a request (30 minutes) and, however
busy, `SESSION_COOKIE_AGE` seconds after sign-in (12 hours). Both clocks are kept in the session
itself (epoch seconds): `started` at sign-in, `seen` at the last request — rewritten at most
once a minute, so a busy agent costs one session write a minute, not one per click.

A session that has run out is flushed (only this one: the user's other devices keep theirs),
and the reason is left in the fresh session for the sign-in page to explain.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django.utils.translation import ngettext

from orienta.accounts import twofactor
from orienta.accounts.models import UserSession
from orienta.accounts.reauth import mark_recent_auth
from orienta.accounts.services import user_sessions_end

STARTED = "orienta_started"
SEEN = "orienta_seen"
TRACKED = "orienta_tracked"  # the session key last written to UserSession
ENDED = "orienta_ended"  # why the previous session ended: "idle" or "expired"
SEEN_RESOLUTION = 60  # seconds


def on_login(sender, request, user, **kwargs) -> None:
    """Start both clocks, note the time of authentication, and record whose session this is."""
    now = int(time.time())
    request.session[STARTED] = request.session[SEEN] = now
    request.session.pop(ENDED, None)
    mark_recent_auth(request)
    twofactor.remember_device_state(request, user)
    session_track(request, user_id=user.pk, prune=True)


def on_logout(sender, request, user, **kwargs) -> None:
    """Logging out anywhere ends every session and API token of the user."""
    if user is not None:
        user_sessions_end(user)


def session_track(request, *, user_id, prune: bool = False) -> None:
    """Record the request's session key as one of the user's (after sign-in or a key change)."""
    session = request.session
    if session.session_key is None:
        session.save()
    key = session.session_key
    UserSession.objects.get_or_create(session_key=key, defaults={"user_id": user_id})
    session[TRACKED] = key
    if prune:
        cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        UserSession.objects.filter(user_id=user_id, created_at__lt=cutoff).delete()


def session_check(request) -> None:
    """End the request's session if it has been idle or open too long; keep `seen` fresh.

    Runs before the user is loaded: it reads only the session, so anonymous requests and the
    API (bearer tokens, no session) cost nothing.
    """
    session = request.session
    if SESSION_KEY not in session:
        return
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:  # a session from before these limits
        session[STARTED] = started = now if started is None else started
        session[SEEN] = seen = now
    reason = None
    if now - seen > settings.SESSION_IDLE_TIMEOUT:
        reason = "idle"
    elif now - started > settings.SESSION_COOKIE_AGE:
        reason = "expired"
    if reason:
        session.flush()
        session[ENDED] = reason
        return
    if now - seen >= SEEN_RESOLUTION:
        session[SEEN] = now
    if session.get(TRACKED) != session.session_key and request.user.is_authenticated:
        session_track(request, user_id=request.user.pk)  # the key changed since sign-in


def ended_message(request) -> str:
    """The sign-in page's explanation of why the last session ended ("" if it did not)."""
    reason = request.session.pop(ENDED, None)
    if reason == "idle":
        minutes = settings.SESSION_IDLE_TIMEOUT // 60
        return ngettext(
            "Your session ended after %(minutes)s minute without activity. Please sign in again.",
            "Your session ended after %(minutes)s minutes without activity. Please sign in again.",
            minutes,
        ) % {"minutes": minutes}
    if reason == "expired":
        hours = settings.SESSION_COOKIE_AGE // 3600
        return ngettext(
            "Your session ended: a session lasts at most %(hours)s hour. Please sign in again.",
            "Your session ended: a session lasts at most %(hours)s hours. Please sign in again.",
            hours,
        ) % {"hours": hours}
    return ""

"""Writes that belong to core: the event log, readable codes, API tokens."""

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import ApiToken, Event, Site, User
from orienta.core.signals import event_committed, send_event_committed
from orienta.core.types import AnyUser
from orienta.lib import codes, fixed
from orienta.lib.errors import Refused


class StaleEdit(Refused):
    """The record changed since the form was opened; the newer data is kept."""

    default_message = _(
        "Someone else changed this record since you loaded it. Load it again and "
        "reapply your change; nothing was saved."
    )


def event_log(
    *,
    actor: AnyUser | None,
    verb: str,
    obj: models.Model,
    site: Site | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    event = Event.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        site=site,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        data=data or {},
    )
    # The apps above hear of it once it is committed (core.signals: the webhooks).
    if event_committed.has_listeners(Event):
        transaction.on_commit(partial(send_event_committed, event))
    return event


def site_next_code(*, site: Site, kind: str) -> str:
    """The next readable code of a record made at this site, e.g. TD-NDJ1-000123 or TD-NDJ1-H00042.

    The counter row is locked for the transaction, so two registrations never share a code.
    """
    if (allocate := codes.allocator()) is not None:  # a site node numbers its own codes
        return allocate(site=site, kind=kind)
    field = {"person": "person_seq", "household": "household_seq"}[kind]
    with transaction.atomic():
        locked = Site.objects.select_for_update().get(pk=site.pk)
        value = getattr(locked, field) + 1
        setattr(locked, field, value)
        locked.save(update_fields=[field])
    if kind == "household":
        return f"{site.code}-H{value:05d}"
    return f"{site.code}-{value:06d}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        digest=_digest(token),
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
    )
    return token, row


# What `ApiToken.objects.select_related("user").filter(digest=..., revoked_at__isnull=True,
# expires_at__gt=now)` reads, in a statement written once (orienta/lib/fixed.py): every call
# of the API asks it.
LIVE_TOKEN = fixed.Select(
    ApiToken,
    lambda q: (
        f"WHERE t.{q('digest')} = %s AND t.{q('revoked_at')} IS NULL AND t.{q('expires_at')} > %s"
    ),
    joined=("user",),
)


def api_token_user(token: str) -> User | None:
    expires_at = ApiToken._meta.get_field("expires_at")
    assert isinstance(expires_at, models.Field)
    now = timezone.now()
    found = LIVE_TOKEN.run(lambda db: [_digest(token), fixed.db_value(expires_at, now, db)])
    if not found or not found[0].user.is_active:
        return None
    return found[0].user

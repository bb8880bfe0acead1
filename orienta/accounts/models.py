from django.conf import settings
from django.db import models
from django.utils import timezone

from orienta.lib.ids import uuid7


class UserSession(models.Model):
    """A session key and whose it is, written when someone signs in.

    Ending "every session of a user" (log-out, deactivation, password change) then costs one
    indexed query and one delete per session, with any session engine (database, cache), instead
    of decoding every live session to find the user's. A row may outlive its session (expired,
    or flushed after inactivity): deleting a missing session is a no-op, and old rows are pruned
    when their user next signs in. Not synced: sessions belong to the node that made them.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"

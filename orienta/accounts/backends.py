"""The authentication backends: the lockout check of django-axes first, then the users' own
passwords, as Django checks them."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from orienta.core.models import User
from orienta.lib import fixed

# Django's backend, whose name the sessions signed in before UserBackend replaced it carry
# (orienta/accounts/session_store.py reads them as UserBackend's).
DJANGO_BACKEND = "django.contrib.auth.backends.ModelBackend"
USER_BACKEND = "orienta.accounts.backends.UserBackend"

# What `User.objects.get(pk=...)` reads, in a statement written once (orienta/lib/fixed.py):
# every signed-in request asks it.
USER_BY_ID = fixed.Select(User, lambda q: f"WHERE t.{q('id')} = %s")


class LockoutBackend(AxesStandaloneBackend):
    """Refuse sign-ins from a username and address that failed too often (django-axes).

    Every sign-in over HTTP passes its request (the sign-in and admin pages, the API token
    route, re-authentication), so every one is counted. A call without a request — the shell,
    a management command — is not a guess over the network: instead of raising, as axes does,
    it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UserBackend(ModelBackend):
    """Django's `ModelBackend` (passwords, permissions), which reads the signed-in user of
    each request with a statement written once instead of building it anew."""

    def get_user(self, user_id: Any) -> User | None:
        pk = User._meta.pk
        assert pk is not None
        try:
            value = pk.to_python(user_id)
        except ValidationError:  # not an id at all: no such user
            return None
        found = USER_BY_ID.run(lambda db: [fixed.db_value(pk, value, db)])
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]

"""Types the apps' signatures share.

- `AnyUser`: a request's user as the scoping layer takes it — signed in, or anonymous (who is
  in scope of nothing);
- `AuthedRequest`: a request past the sign-in check (`accounts.middleware` sends every page but
  the public ones to the login first), whose user is therefore a `User`.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from orienta.core.models import User

type AnyUser = User | AnonymousUser


class AuthedRequest(HttpRequest):
    user: User

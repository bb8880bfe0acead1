"""Types the apps' signatures share.

- `AnyUser`: a request's user as the scoping layer takes it — signed in, or anonymous (who is
  in scope of nothing);
- `AuthedRequest`: a request past the sign-in check (`accounts.middleware` sends every page but
  the public ones to the login first), whose user is therefore a `User`.
- `ApiRequest`: a request to the API past its bearer-token check (every route but the token's),
  whose `auth` is the token's `User`.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from orienta.core.models import User

type AnyUser = User | AnonymousUser


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails  # django_htmx's middleware, on every request


class ApiRequest(HttpRequest):
    auth: User

"""The lockout check of django-axes, first among the authentication backends."""

from axes.backends import AxesStandaloneBackend


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

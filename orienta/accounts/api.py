"""API route of the accounts app: a bearer token for a username, password and code."""

from datetime import datetime
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from orienta.accounts import twofactor
from orienta.accounts.lockout import lockout_message
from orienta.audit.models import Action, Channel
from orienta.audit.services import access_log_record
from orienta.core.models import User
from orienta.core.services import api_token_issue
from orienta.lib.api.errors import Detail, FieldErrors

router = Router(tags=["core"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None,
        max_length=8,
        description="The 6-digit code of the authenticator app, for accounts with two-factor.",
    )


class TokenRefused(Schema):
    detail: str
    otp_required: bool | None = Field(None, description="True when a code is missing or wrong.")


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: TokenRefused, 422: FieldErrors, 429: Detail},
    summary="Issue a bearer token",
    exclude_none=True,
)
def token_issue(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, Any]]:
    """Exchange a username and password for a bearer token, valid for a limited time.

    Accounts with two-factor authentication (required for managers, coordinators, M&E and
    administrators) also send `otp`, the current code of their authenticator app; without it
    the answer is 401 with `"otp_required": true`. Wrong passwords and codes count towards the
    sign-in lockout: after too many, the answer is 429 for a while.
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return _token_refused(
            request, gettext("The username or password is not correct, or the account is disabled.")
        )
    if twofactor.otp_required(user) or twofactor.confirmed_device(user):
        refused = _token_code_refused(request, user, payload.otp)
        if refused is not None:
            return refused
    AxesProxyHandler.reset_attempts(
        ip_address=get_client_ip_address(request), username=user.get_username()
    )
    token, row = api_token_issue(user=user)
    # A failed attempt is logged by authenticate(); a token issued is a sign-in through the API.
    access_log_record(request=request, actor=user, action=Action.LOGIN, channel=Channel.API)
    return 200, {"token": token, "expires_at": row.expires_at}


def _token_refused(
    request: HttpRequest, detail: str, otp_required: bool | None = None
) -> tuple[int, dict[str, Any]]:
    if getattr(request, "axes_locked_out", False):
        return 429, {"detail": lockout_message()}
    return 401, {"detail": detail, "otp_required": otp_required}


def _token_code_refused(
    request: HttpRequest, user: User, code: str | None
) -> tuple[int, dict[str, Any]] | None:
    """None if the code opens the account, else the answer to give."""
    device = twofactor.confirmed_device(user)
    if device is None:
        return 401, {
            "detail": gettext(
                "This account needs two-factor authentication: set it up first on the "
                "website, at /account/2fa/setup/."
            ),
            "otp_required": True,
        }
    if not code:
        return 401, {
            "detail": gettext(
                "This account uses two-factor authentication: send the code of the "
                "authenticator app in the field otp."
            ),
            "otp_required": True,
        }
    if twofactor.code_check(request, user, device, code):
        return None
    return _token_refused(
        request, gettext("The code is not correct, or was already used."), otp_required=True
    )

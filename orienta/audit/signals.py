"""Sign-ins, failed sign-ins and sign-outs, heard from django.contrib.auth's signals (pages and
API alike: the API's token endpoint authenticates through `authenticate`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from orienta.audit.models import Action
from orienta.audit.services import access_log_record, channel_of


def on_login(sender, request, user, **kwargs) -> None:
    access_log_record(request=request, actor=user, action=Action.LOGIN, channel=channel_of(request))


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    access_log_record(
        request=request,
        action=Action.LOGIN_FAILED,
        channel=channel_of(request),
        username=str(username or ""),
    )


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        access_log_record(
            request=request, actor=user, action=Action.LOGOUT, channel=channel_of(request)
        )


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="orienta.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="orienta.audit.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="orienta.audit.logout")

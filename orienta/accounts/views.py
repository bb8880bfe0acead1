"""The sign-in page and the pages under /account/: two-factor setup and verification,
re-authentication, password change."""

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orienta.accounts import lockout, sessions, twofactor
from orienta.accounts.forms import CodeForm, ReauthForm
from orienta.accounts.reauth import mark_recent_auth, require_recent_auth
from orienta.accounts.services import user_sessions_end
from orienta.core.models import User
from orienta.core.types import AuthedRequest


class SignInView(LoginView):
    """Django's sign-in page, telling why the previous session ended, if it did."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {
            "session_ended": sessions.ended_message(self.request)
        }


def _next_url(request: HttpRequest, default: str = "core:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _locked_out(request: HttpRequest, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()}) or bool(
        getattr(request, "axes_locked_out", False)
    )


def _end_locked_session(request: HttpRequest) -> HttpResponse:
    """Too many wrong codes or passwords: this session ends, and the sign-in page says why."""
    request.session.flush()
    request.user = AnonymousUser()
    return lockout.lockout_response(request)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthedRequest) -> HttpResponse:
    """After the password: the code of the user's device, before anything else."""
    user, next_url = request.user, _next_url(request)
    if user.is_verified():  # type: ignore[attr-defined]  # set by django_otp's OTPMiddleware
        return redirect(next_url)
    device = twofactor.confirmed_device(user)
    if device is None:
        twofactor.remember_device_state(request, user)
        if twofactor.otp_required(user):
            return redirect(_with_next("accounts:2fa_setup", next_url))
        return redirect(next_url)
    if _locked_out(request, user):
        return _end_locked_session(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if twofactor.code_check(request, user, device, form.cleaned_data["code"]):
            twofactor.session_verify(request, device)
            mark_recent_auth(request)
            return redirect(next_url)
        if _locked_out(request, user):
            return _end_locked_session(request)
        form.add_error("code", _("The code is not correct, or was already used."))
    return render(request, "account/verify.html", {"form": form, "next": next_url})


@require_recent_auth()
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    user, next_url = request.user, _next_url(request)
    # is_verified is set on the user by django_otp's OTPMiddleware.
    if not user.is_verified() and twofactor.confirmed_device(user) is not None:  # type: ignore[attr-defined]
        # Replacing a device takes a code from the current one: the password alone is not enough.
        return redirect(_with_next("accounts:2fa_verify", request.get_full_path()))
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            twofactor.device_confirm(device)
            twofactor.session_verify(request, device)
            mark_recent_auth(request)
            # A session opened elsewhere before the second factor existed does not keep going.
            user_sessions_end(user, keep_session=request.session.session_key)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return redirect(next_url)
        form.add_error("code", _("The code is not correct. Check the time on the phone."))
    context = {
        "form": form,
        "next": next_url,
        "secret": twofactor.secret_base32(device),
        "qr": twofactor.qr_svg(device.config_url, _("QR code to scan with the app")),
        "required": twofactor.otp_required(user),
        "replacing": twofactor.confirmed_device(user) is not None,
    }
    return render(request, "account/setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reauth(request: AuthedRequest) -> HttpResponse:
    """Confirm who you are before a sensitive action: password, and a code with two-factor."""
    user, next_url = request.user, _next_url(request)
    if _locked_out(request, user):
        return _end_locked_session(request)
    form = ReauthForm(request, request.POST or None)
    if form.is_valid():
        if form.device is not None:
            twofactor.session_verify(request, form.device)
        mark_recent_auth(request)
        return redirect(next_url)
    if request.method == "POST" and _locked_out(request, user):
        return _end_locked_session(request)
    return render(request, "account/reauth.html", {"form": form, "next": next_url})


@require_recent_auth()
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """A new password, after re-authentication; every other session and API token ends."""
    user = request.user
    form = SetPasswordForm(user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["autocomplete"] = "new-password"
    if form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        user_sessions_end(user, keep_session=request.session.session_key)
        sessions.session_track(request, user_id=user.pk)
        messages.success(
            request, _("Your password is changed. Your other sessions have been signed out.")
        )
        return redirect("core:home")
    return render(request, "account/password.html", {"form": form})

"""What a locked-out client sees: the sign-in page with the reason, or a JSON answer (API)."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

STATUS = 429


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed attempts: signing in to this account from here is blocked for "
        "%(minutes)s minute. Try again later, or ask an administrator to unblock it.",
        "Too many failed attempts: signing in to this account from here is blocked for "
        "%(minutes)s minutes. Try again later, or ask an administrator to unblock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with a translated message, in the shape the client expects."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=STATUS)
    context = {
        "form": AuthenticationForm(request),
        "locked": lockout_message(),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=STATUS)

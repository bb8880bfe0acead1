"""Two-factor authentication with a time-based code (TOTP, RFC 6238) from an authenticator app.

Who needs it: site managers, country coordinators, M&E / headquarters and administrators (and
anyone with access to the admin) must have a confirmed device; agents and providers may add
one. Whoever has a confirmed device enters a code after the password, on every sign-in.

A user has at most one confirmed device (`TOTPDevice`, django-otp); enrolling a new phone
replaces it. Whether the user has one is computed once per session and kept in the session, so
the gate in `TwoFactorMiddleware` costs no query on an agent's every click.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from orienta.core.access import TWO_FACTOR_ROLES, needs_two_factor

ROLES_REQUIRING_2FA = TWO_FACTOR_ROLES
HAS_DEVICE = "orienta_otp_device"  # session: does the user have a confirmed device?
DEVICE_NAME = "Orienta"


def otp_required(user) -> bool:
    """Must this user have a second factor? Roles that see a country or more, and staff."""
    return needs_two_factor(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def remember_device_state(request, user) -> bool:
    has_device = confirmed_device(user) is not None
    request.session[HAS_DEVICE] = has_device
    return has_device


def pending_step(request) -> str | None:
    """What a signed-in user must do before using the site: "verify", "setup", or nothing."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    has_device = request.session.get(HAS_DEVICE)
    if has_device is None:
        has_device = remember_device_state(request, user)
    if has_device:
        return "verify"
    if otp_required(user):
        return "setup"
    return None


def code_check(request, user, device: TOTPDevice, code: str) -> bool:
    """Check a code; a wrong one counts as a failed sign-in towards the lockout (django-axes).

    A code is accepted once (replays within its 30-second window are refused), and django-otp
    slows down repeated wrong codes on the same device.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(code.replace(" ", ""))
    if not verified:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    return verified


def session_verify(request, device: TOTPDevice) -> None:
    """Mark the session as verified by this device (what django-otp checks on each request)."""
    otp_login(request, device)
    request.session[HAS_DEVICE] = True


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed, so a reload is safe."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def device_confirm(device: TOTPDevice) -> None:
    """Make the enrolled device the user's only one (a new phone replaces the old)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(data: str, label: str) -> SafeString:
    """An inline SVG QR code of `data`: markup only, no script, nothing fetched from elsewhere."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    size = image.width + 2 * image.border
    svg = svg.replace(f'width="{size}mm" height="{size}mm" ', "", 1)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{escape(label)}" width="220" height="220" ',
        1,
    )
    return mark_safe(svg)  # built here from our own data; the label is escaped

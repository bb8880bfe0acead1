"""`manage.py demo_otp`: the current two-factor code of the demo accounts, in demo mode only."""

import time
from base64 import b32decode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from orienta.demo.build import DEMO_TOTP_SECRET


def demo_code(at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for the demo secret at `at` (now)."""
    totp = TOTP(b32decode(DEMO_TOTP_SECRET))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo accounts that need one (manager-td, "
        "coordinator-td, coordinator-mz, me-hq, admin). Demo mode (ORIENTA_DEMO=1) only."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "demo_otp runs only in demo mode (ORIENTA_DEMO=1): real accounts have their "
                "own secret, on their owner's phone."
            )
        seconds_left = 30 - int(time.time()) % 30
        self.stdout.write(demo_code())
        self.stderr.write(f"(secret {DEMO_TOTP_SECRET}; valid for {seconds_left} more seconds)")

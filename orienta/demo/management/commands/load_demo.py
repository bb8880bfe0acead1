"""`manage.py load_demo`: the demonstration data set, in demo mode only, loaded once."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orienta.demo.build import already_loaded, load
from orienta.demo.data import ACCOUNTS, PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demonstration data (three countries, six sites, about 300 persons, "
        "six months of visits). Runs only in demo mode (ORIENTA_DEMO=1), and only once."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "Demo data is never loaded outside demo mode: this database may hold real "
                "people's records. Set ORIENTA_DEMO=1 on a demonstration server to load it."
            )
        if already_loaded():
            self.stdout.write("Demo data already loaded.")
            return
        started = time.monotonic()
        counts = load()
        for site_code, row in counts.items():
            self.stdout.write(
                f"{site_code}: {row['persons']} persons in {row['households']} households, "
                f"{row['visits']} visits ({row['anonymous']} anonymous)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded in {time.monotonic() - started:.1f} s. "
                f"Every demo account's password is {PASSWORD!r}: "
                + ", ".join(name for name, *_rest in ACCOUNTS)
                + "."
            )
        )

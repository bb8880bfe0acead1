"""`manage.py rebuild_match_keys`: derive every person's duplicate-search keys again."""

from django.core.management.base import BaseCommand

from orienta.people.services import match_keys_rebuild


class Command(BaseCommand):
    help = (
        "Derive the duplicate-search keys of every person again, a batch per transaction "
        "(the migrations run it when the way keys are made changes). Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        def progress(done):
            if done % (batch * 25) == 0:
                self.stdout.write(f"{done:,} persons")

        done = match_keys_rebuild(batch=batch, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{done:,} persons indexed."))

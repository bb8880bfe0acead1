"""`manage.py verify_access_log`: recompute the access log's hash chain from the first entry."""

from django.core.management.base import BaseCommand, CommandError

from orienta.audit.queries import access_log_verify


class Command(BaseCommand):
    help = (
        "Check that the access log is whole: entries numbered without gaps, each chained to the "
        "one before it, and each still matching its hash. Exits non-zero at the first break."
    )

    def handle(self, *args, **options):
        check = access_log_verify()
        if not check.intact:
            raise CommandError(
                f"Access log broken at entry seq {check.broken_seq} (id {check.broken_id}): "
                f"{check.reason}. The {check.entries} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {check.entries} entries."))

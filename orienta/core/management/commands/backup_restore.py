"""`manage.py backup_restore FILE`: restore an encrypted backup into an empty instance."""

from django.core.management.base import BaseCommand, CommandError

from orienta.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_create into an empty, migrated database (it refuses a "
        "database that holds data), in one transaction. The passphrase comes from "
        f"{backup.KEY_ENV} or from --key-file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file.")
        parser.add_argument("--key-file", help="A file holding the passphrase.")
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, file, key_file, database, **options):
        try:
            passphrase = backup.read_passphrase(key_file)
            manifest = backup.backup_restore(file, passphrase, using=database)
        except backup.BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {manifest['media_files']} uploaded files from the "
                f"backup of {manifest['created_at']}."
            )
        )

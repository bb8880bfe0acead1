"""`manage.py backup_create --output FILE`: an encrypted backup of the database and uploads."""

from django.core.management.base import BaseCommand, CommandError

from orienta.core import backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (every table, and the files under MEDIA_ROOT) to a new file. "
        f"The passphrase comes from the environment variable {backup.KEY_ENV} or from "
        "--key-file, never from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The file to write; must not exist.")
        parser.add_argument("--key-file", help="A file holding the passphrase.")
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, output, key_file, database, **options):
        try:
            passphrase = backup.read_passphrase(key_file, creating=True)
            manifest = backup.backup_create(output, passphrase, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: {rows} rows in {len(manifest['counts'])} tables, "
                f"{manifest['media_files']} uploaded files. Keep the key apart from the file: "
                "without it the backup cannot be read."
            )
        )

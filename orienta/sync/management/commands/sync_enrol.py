"""Node: enrol this instance at the central server with a one-time code."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orienta.sync import capture
from orienta.sync.client import SyncError, enrol


class Command(BaseCommand):
    help = "Enrol this site node at the central server with a one-time code (ORIENTA_NODE=1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--central", required=True, help="The central server's address.")
        parser.add_argument("--code", required=True, help="The code printed by sync_node_create.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not capture.is_node():
            raise CommandError("this instance is not a node: start it with ORIENTA_NODE=1")
        try:
            state = enrol(central=options["central"], code=options["code"])
        except SyncError as exc:
            raise CommandError(f"enrolment refused: {exc}") from exc
        self.stdout.write(f"enrolled as {state.site_code}-N{state.number}; now run manage.py sync")

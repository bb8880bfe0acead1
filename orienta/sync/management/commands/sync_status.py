"""The sync state of this instance: a node's outbox and last sync, or the central's nodes."""

from typing import Any

from django.core.management.base import BaseCommand

from orienta.sync import queries


class Command(BaseCommand):
    help = "Show the node's outbox, last sync and conflicts, or the central server's nodes."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, value in queries.status_lines():
            self.stdout.write(f"{label}: {value}")

"""Node: one exchange with the central server, until nothing remains to push or pull."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orienta.sync import capture
from orienta.sync.client import SyncError, sync


class Command(BaseCommand):
    help = "Push this node's changes and pull its site's; exit status 0 only when complete."

    def handle(self, *args: Any, **options: Any) -> None:
        if not capture.is_node():
            raise CommandError("this instance is not a node: start it with ORIENTA_NODE=1")
        try:
            outcome = sync()
        except SyncError as exc:
            raise CommandError(f"sync incomplete: {exc}") from exc
        self.stdout.write(
            f"complete: {outcome.pushed} pushed, {outcome.pulled} pulled in {outcome.rounds} "
            f"round trips; {outcome.conflicts} conflicts, {outcome.rejected} rejected, "
            f"{outcome.quarantined} quarantined"
        )

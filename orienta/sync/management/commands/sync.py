"""Node: one exchange with the central server, until nothing remains to push or pull.

Exit status: 0 complete; 1 incomplete (what was committed stays, the rest is sent again);
2 revoked by the central server (the node stops syncing); 3 revoked and its data erased, as the
central server ordered.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orienta.sync import capture
from orienta.sync.client import Stopped, SyncError, Wiped, sync

REVOKED = 2
WIPED = 3


class Command(BaseCommand):
    help = "Push this node's changes and pull its site's; exit status 0 only when complete."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare counts and hashes with the central server now (else every 6 hours).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not capture.is_node():
            raise CommandError("this instance is not a node: start it with ORIENTA_NODE=1")
        try:
            outcome = sync(force_check=options["check"])
        except Wiped as exc:
            raise CommandError(f"revoked, data erased: {exc}", returncode=WIPED) from exc
        except Stopped as exc:
            raise CommandError(f"revoked: {exc}", returncode=REVOKED) from exc
        except SyncError as exc:
            raise CommandError(f"sync incomplete: {exc}") from exc
        self.stdout.write(
            f"complete: {outcome.pushed} pushed, {outcome.pulled} pulled in {outcome.rounds} "
            f"round trips; {outcome.conflicts} conflicts, {outcome.rejected} rejected, "
            f"{outcome.quarantined} quarantined"
        )

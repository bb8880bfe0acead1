"""Central server: create a node for a site and print its one-time enrolment code."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from orienta.core.models import Site
from orienta.lib.errors import Refused
from orienta.sync import backfill
from orienta.sync.services import CODE_DAYS, node_allowance_set, node_create


class Command(BaseCommand):
    help = "Create a site node and print its one-time enrolment code (central server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="The site's code, e.g. TD-NDJ1.")
        parser.add_argument("--label", default="", help="Where the node is (e.g. its laptop).")
        parser.add_argument(
            "--allowance",
            default="",
            help="What the node may approve offline from its site's fund (e.g. 50000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(code=options["site"], deleted_at__isnull=True).first()
        if site is None:
            raise CommandError(f"no open site {options['site']}")
        written = backfill.journal_missing()
        with transaction.atomic():
            node, code = node_create(site=site, by=None, label=options["label"])
            if options["allowance"]:
                try:
                    node_allowance_set(node=node, amount=options["allowance"], by=None)
                except Refused as exc:
                    raise CommandError(exc.message) from exc
                self.stdout.write(f"offline allowance: {options['allowance']}")
        if written:
            self.stdout.write(f"journal: {written} existing records added for the first pulls")
        self.stdout.write(f"node {site.code}-N{node.number} ({node.pk})")
        self.stdout.write(f"enrolment code (valid {CODE_DAYS} days, once): {code}")

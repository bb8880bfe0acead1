"""Central server: create a node for a site and print its one-time enrolment code."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orienta.core.models import Site
from orienta.sync import backfill
from orienta.sync.services import CODE_DAYS, node_create


class Command(BaseCommand):
    help = "Create a site node and print its one-time enrolment code (central server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="The site's code, e.g. TD-NDJ1.")
        parser.add_argument("--label", default="", help="Where the node is (e.g. its laptop).")

    def handle(self, *args: Any, **options: Any) -> None:
        site = Site.objects.filter(code=options["site"], deleted_at__isnull=True).first()
        if site is None:
            raise CommandError(f"no open site {options['site']}")
        written = backfill.journal_missing()
        node, code = node_create(site=site, by=None, label=options["label"])
        if written:
            self.stdout.write(f"journal: {written} existing records added for the first pulls")
        self.stdout.write(f"node {site.code}-N{node.number} ({node.pk})")
        self.stdout.write(f"enrolment code (valid {CODE_DAYS} days, once): {code}")

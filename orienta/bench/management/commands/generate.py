"""`manage.py generate --persons N`: a generated network of national scale, for benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from orienta.bench import truth
from orienta.bench.generate import RegistryNotEmpty, generate
from orienta.bench.network import PASSWORD, TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Generate a realistic network for benchmarks: sites over the three countries, staff, "
        "persons in households, years of visits and about 2%% second records of the same "
        "person (the ground truth goes to var/bench/<database>.json), and the follow-up work: "
        "each country's directory and support fund, cases, referrals and fund requests with "
        "their payments and ledger. Refuses a database that already holds persons."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--sites", type=int, default=30)
        parser.add_argument("--years", type=int, default=3)

    def handle(self, *args, persons, seed, sites, years, **options):
        if persons < 1 or sites < 3 or years < 1:
            raise CommandError("Need at least 1 person, 3 sites (one a country) and 1 year.")
        try:
            result = generate(
                persons=persons, seed=seed, sites=sites, years=years, progress=self.stdout.write
            )
        except RegistryNotEmpty:
            raise CommandError(
                "This database already holds persons: generate writes only into an empty "
                "registry (a fresh, migrated bench database)."
            ) from None
        path = truth.manifest_path()
        truth.write_manifest(path, result.manifest())
        totals = result.totals
        self.stdout.write(
            self.style.SUCCESS(
                f"{persons:,} persons, {totals.all_rows:,} rows in {totals.seconds:.1f} s "
                f"({totals.all_rows / max(totals.seconds, 1e-9):,.0f} rows/s, "
                f"{persons / max(totals.seconds, 1e-9):,.0f} persons/s). "
                f"{len(result.pairs):,} true duplicate pairs in {path}. "
                f"Accounts agent-<site>-1..3, manager-<site>, coordinator-<country>; "
                f"password {PASSWORD!r}; managers' and coordinators' authenticator secret "
                f"{TOTP_SECRET}."
            )
        )

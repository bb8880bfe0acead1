"""The ledger keeps no free text about a person: empty the notes of releases and reversals, into
which the reasons of cancellations and reversals were copied until now (they stay on the
request, `decision_reason`, and on the payment, `reversal_reason`). Allocation notes stay.

The application cannot change a ledger entry (`LedgerQuerySet.update` and `LedgerEntry.save`
refuse). A migration works on the historical model, which has neither: its manager is Django's
plain one, so this one-off, reviewed change of a text that moves no money goes through. No
amount, kind, date or author changes, so every balance stays the same.
"""

from django.db import migrations


def empty_copied_reasons(apps, schema_editor):
    LedgerEntry = apps.get_model("fund", "LedgerEntry")
    LedgerEntry.objects.filter(kind__in=["release", "reversal"]).exclude(note="").update(note="")


class Migration(migrations.Migration):
    dependencies = [("fund", "0004_names_and_codes_refuse_bidi_controls")]

    operations = [migrations.RunPython(empty_copied_reasons, migrations.RunPython.noop)]

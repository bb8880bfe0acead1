"""The fund's configuration in the admin; the ledger is shown read-only, never edited.

Money moves only through the fund's services (requests, approvals, payments, reversals,
allocations), which write the ledger with an author and a time. Persons' requests are not in
the admin at all: an administrator does not read who was helped, nor why (the ledger names a
request by its code only).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from orienta.fund.models import Criterion, Fund, FundSettings, LedgerEntry, Period


class FundSettingsForm(forms.ModelForm):
    criteria = forms.MultipleChoiceField(
        label=_("eligibility criteria"),
        choices=Criterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = FundSettings
        fields = [
            "country",
            "manager_limit",
            "person_limit",
            "household_limit",
            "repeat_days",
            "criteria",
            "mobile_operators",
        ]


@admin.register(FundSettings)
class FundSettingsAdmin(admin.ModelAdmin):
    form = FundSettingsForm
    list_display = ["country", "manager_limit", "person_limit", "household_limit", "repeat_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "currency"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "fund", "starts_on", "ends_on", "eur_rate"]
    list_filter = ["fund"]


# What the page of a ledger entry shows, every field read-only.
ENTRY_FIELDS = (
    "at",
    "account",
    "period",
    "kind",
    "entry",
    "amount",
    "currency",
    "amount_eur",
    "by",
)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The movements of money, each described in fixed words (`LedgerEntry.description`):
    the request moved is named by its code, never by its person or the reasons given."""

    list_display = ["at", "account", "kind", "entry", "amount", "currency", "amount_eur", "by"]
    list_filter = ["kind", "account__fund"]
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS
    list_select_related = ["account__site", "account__fund", "request", "by"]
    actions = None

    @admin.display(description=_("description"))
    def entry(self, obj: LedgerEntry) -> str:
        return obj.description()

"""Forms of the support fund's pages. Amounts are typed as text and read by money.amount_parse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Country, Organisation, Site
from orienta.fund import receipts
from orienta.fund.models import MAX_QUANTITY, Criterion, Method, Period
from orienta.fund.money import amount_parse
from orienta.lib.forms import choice_field, model_choice_field
from orienta.lib.text import no_bidi_controls


class RequestForm(forms.Form):
    cost_option = forms.ChoiceField(
        label=_("Service and fee"),
        required=False,
        help_text=_("The unit price may not be above the fee of the service."),
    )
    provider: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Provider to pay"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only when the service is not in the list."),
    )
    unit_price = forms.CharField(label=_("Unit price"), max_length=20)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        help_text=_("Copies or units of the fee: the fund pays the unit price times this."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Eligibility criteria met"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one eligibility criterion the person meets.")},
    )
    reason = forms.CharField(
        label=_("Why the person cannot pay"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was seen or checked: a document, a visit, a letter."),
    )
    confirm_repeat = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        country: Country,
        options: Sequence[tuple[str, str]],
        criteria: Iterable[str],
        **kwargs: Any,
    ) -> None:
        """`options`: the cost options to choose from, as (id, label) pairs."""
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "cost_option").choices = [("", "—"), *options]
        model_choice_field(self.fields, "provider").queryset = Organisation.objects.filter(
            country=country, deleted_at__isnull=True
        ).order_by("name")
        labels = dict(Criterion.choices)
        choice_field(self.fields, "criteria").choices = [
            (c, labels[c]) for c in criteria if c in labels
        ]
        self.fields["unit_price"].help_text = _("In %(currency)s.") % {"currency": country.currency}
        self.currency = country.currency

    def clean(self) -> dict[str, Any]:
        """`amount`: the total requested, the unit price times the quantity."""
        super().clean()
        data = self.cleaned_data
        if not data.get("cost_option") and not data.get("provider"):
            self.add_error("cost_option", _("Choose the service, or at least the provider to pay."))
        if data.get("unit_price") and data.get("quantity"):
            try:
                unit = amount_parse(data["unit_price"], self.currency)
            except ValidationError as exc:
                self.add_error("unit_price", exc)
            else:
                data["amount"] = unit * data["quantity"]
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=Method.choices, widget=forms.RadioSelect)
    receipt_number = forms.CharField(
        label=_("Receipt number"), max_length=60, required=False, validators=[no_bidi_controls]
    )
    operator = forms.ChoiceField(label=_("Operator"), required=False)
    reference = forms.CharField(
        label=_("Transaction reference"),
        max_length=60,
        required=False,
        validators=[no_bidi_controls],
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today when left empty."),
    )
    receipt = forms.FileField(
        label=_("Receipt (photo or PDF)"),
        required=False,
        help_text=_("Optional. JPEG, PNG, WebP or PDF."),
    )

    def __init__(self, *args: Any, operators: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "operator").choices = [("", "—")] + [(o, o) for o in operators]

    def clean_receipt(self) -> UploadedFile[bytes] | None:
        upload = self.cleaned_data.get("receipt")
        return receipts.receipt_check(upload) if upload else None


class PeriodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, validators=[no_bidi_controls])
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    eur_rate = forms.DecimalField(
        label=_("Units of local currency per euro"),
        required=False,
        max_digits=14,
        decimal_places=6,
        help_text=_("Only for currencies not pegged to the euro (MZN)."),
    )


class AllocationForm(forms.Form):
    site: forms.ModelChoiceField[Site] = forms.ModelChoiceField(label=_("Site"), queryset=None)
    period: forms.ModelChoiceField[Period] = forms.ModelChoiceField(
        label=_("Period"), queryset=None
    )
    amount = forms.CharField(label=_("Amount"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(
        self, *args: Any, sites: QuerySet[Site], periods: QuerySet[Period], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "site").queryset = sites
        model_choice_field(self.fields, "period").queryset = periods


class StatementForm(forms.Form):
    provider: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Provider"), queryset=None
    )
    period: forms.ModelChoiceField[Period] = forms.ModelChoiceField(
        label=_("Period"), queryset=None
    )

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        periods: QuerySet[Period],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "provider").queryset = providers
        model_choice_field(self.fields, "period").queryset = periods


class ReportForm(forms.Form):
    period: forms.ModelChoiceField[Period] = forms.ModelChoiceField(
        label=_("Period"), queryset=None, required=False
    )

    def __init__(self, *args: Any, periods: QuerySet[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "period").queryset = periods


class ExportForm(forms.Form):
    period: forms.ModelChoiceField[Period] = forms.ModelChoiceField(
        label=_("Period"), queryset=None
    )
    reason = forms.CharField(
        label=_("Why this list is needed"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Logged with the export, with your name."),
    )

    def __init__(self, *args: Any, periods: QuerySet[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "period").queryset = periods

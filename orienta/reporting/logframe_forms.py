"""Forms of the logframe's figures: a target (with its baseline), a value entered by hand, a
correction."""

from django import forms
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class TargetForm(forms.Form):
    baseline = forms.DecimalField(label=_("Baseline"), required=False, **AMOUNT)
    target = forms.DecimalField(label=_("Target"), required=False, **AMOUNT)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HandValueForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("A month (2026-11), a quarter (2026-Q4) or a year (2026)."),
    )
    value = forms.DecimalField(label=_("Value"), **AMOUNT)
    source = forms.CharField(label=_("Source"), max_length=300)


class CorrectionForm(forms.Form):
    value = forms.DecimalField(label=_("Corrected value"), **AMOUNT)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

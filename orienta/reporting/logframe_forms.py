"""Forms of the logframe's figures: a target (with its baseline), a value entered by hand, a
correction."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _amount(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=16, decimal_places=2, min_value=0
    )


class TargetForm(forms.Form):
    baseline = _amount(_("Baseline"), required=False)
    target = _amount(_("Target"), required=False)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HandValueForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("A month (2026-11), a quarter (2026-Q4) or a year (2026)."),
    )
    value = _amount(_("Value"))
    source = forms.CharField(label=_("Source"), max_length=300)


class CorrectionForm(forms.Form):
    value = _amount(_("Corrected value"))
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)

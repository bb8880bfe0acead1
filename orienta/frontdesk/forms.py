from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db.models import fields as model_fields
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Theme
from orienta.frontdesk.models import AgeBand, Channel, Outcome, Visit
from orienta.lib.forms import choice_field
from orienta.people.models import Sex

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class VisitForm(forms.ModelForm):
    original: Visit  # a correction's form: the visit as it stood (`correction_form`)

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one theme.")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=settings.MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to use the current time."),
    )

    class Meta:
        model = Visit
        fields = ["occurred_at", "channel", "themes", "outcome", "notes"]
        widgets = {"channel": forms.RadioSelect, "outcome": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "outcome").choices = Outcome.choices  # no blank radio
        choice_field(self.fields, "channel").choices = Channel.choices

    def clean_occurred_at(self) -> datetime:
        value = self.cleaned_data.get("occurred_at") or timezone.now()
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(
                _("A visit cannot be recorded in the future."), code="future"
            )
        return value


def _blank() -> list[tuple[str, StrOrPromise]]:
    return [("", model_fields.BLANK_CHOICE_LABEL)]


class AnonymousVisitForm(VisitForm):
    # Nothing chosen beforehand: a field the agent forgets is refused, never recorded as the
    # first choice. The empty choice is labelled as in every other select.
    anonymous_sex = forms.ChoiceField(
        label=_("Sex"),
        choices=lambda: _blank() + Sex.choices,
        error_messages={"required": _("Choose the sex.")},
    )
    anonymous_age = forms.IntegerField(
        label=_("Age (years)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("An estimate is fine."),
    )
    # Visits recorded before the age was asked keep their band; the API still accepts one.
    anonymous_age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=lambda: _blank() + AgeBand.choices,
    )

    class Meta(VisitForm.Meta):
        fields = [
            "occurred_at",
            "channel",
            "anonymous_sex",
            "anonymous_age",
            "anonymous_age_band",
            "themes",
            "outcome",
            "notes",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        missing = data.get("anonymous_age") is None and not data.get("anonymous_age_band")
        if missing and "anonymous_age" not in self.errors:
            message = _("Give the age in years (an estimate is fine).")
            self.add_error("anonymous_age", forms.ValidationError(message, code="required"))
        return data


class ChangeReasonForm(forms.Form):
    """Why a visit is corrected or voided: kept with the new version."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why the visit is corrected or voided. It is kept in the visit's history."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason.")},
    )


CORRECTED = (
    "occurred_at",
    "channel",
    "outcome",
    "notes",
    "anonymous_sex",
    "anonymous_age",
    "anonymous_age_band",
)


def correction_form(visit: Visit, data: Mapping[str, Any] | None = None) -> VisitForm:
    """The visit's form (anonymous or not), filled with the visit as it stands."""
    form_class = VisitForm if visit.person_id else AnonymousVisitForm
    initial = {f: getattr(visit, f) for f in CORRECTED} | {"themes": list(visit.themes.all())}
    form = form_class(data, initial=initial)
    form.fields["occurred_at"].required = True
    form.fields["occurred_at"].help_text = ""
    form.original = visit
    return form


def corrected_values(form: VisitForm) -> dict[str, Any]:
    """The values of a valid correction form. The form shows times to the minute: a time
    left as shown keeps the visit's own (its seconds included)."""
    data = dict(form.cleaned_data)
    shown = timezone.localtime(form.original.occurred_at).replace(second=0, microsecond=0)
    if data.get("occurred_at") == shown:
        data["occurred_at"] = form.original.occurred_at
    return data

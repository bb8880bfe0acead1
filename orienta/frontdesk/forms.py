from django import forms
from django.conf import settings
from django.db.models import fields as model_fields
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.frontdesk.models import AgeBand, Channel, Outcome, Theme, Visit
from orienta.people.models import Sex


class VisitForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Outcome.choices  # no blank radio
        self.fields["channel"].choices = Channel.choices

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at") or timezone.now()
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(
                _("A visit cannot be recorded in the future."), code="future"
            )
        return value


def _blank() -> list[tuple[str, str]]:
    return [("", model_fields.BLANK_CHOICE_LABEL)]


class AnonymousVisitForm(VisitForm):
    # Nothing chosen beforehand: a field the agent forgets is refused, never recorded as the
    # first choice. The empty choice is labelled as in every other select.
    anonymous_sex = forms.ChoiceField(
        label=_("Sex"),
        choices=lambda: _blank() + Sex.choices,
        error_messages={"required": _("Choose the sex.")},
    )
    anonymous_age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=lambda: _blank() + AgeBand.choices,
        error_messages={"required": _("Choose the age band.")},
    )

    class Meta(VisitForm.Meta):
        fields = [
            "occurred_at",
            "channel",
            "anonymous_sex",
            "anonymous_age_band",
            "themes",
            "outcome",
            "notes",
        ]

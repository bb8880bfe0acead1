"""The forms of the families pages. The assessment form has one question per indicator of the
instrument, each with its options as radio buttons, so it reads well on a phone."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Country
from orienta.families import scoring
from orienta.families.models import ExitReason, Goal, GoalStatus
from orienta.families.services import MAX_REASSESS_MONTHS
from orienta.lib.forms import choice_field, model_choice_field
from orienta.people.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def question_name(indicator_code: str) -> str:
    return f"q_{indicator_code}"


class AssessmentForm(forms.Form):
    respondent: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("Who answered"), queryset=Person.objects.none(), required=False
    )
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE)
    notes = forms.CharField(
        label=_("Evidence and notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        definition: scoring.Definition,
        members: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        model_choice_field(self.fields, "respondent").queryset = members
        self.groups: list[tuple[scoring.Dimension, list[str]]] = []
        for dim in definition.dimensions:
            names = []
            for indicator in dim.indicators:
                name = question_name(indicator.code)
                self.fields[name] = forms.ChoiceField(
                    label=indicator.name,
                    choices=[(o.code, o.name) for o in indicator.options],
                    widget=forms.RadioSelect,
                )
                names.append(name)
            self.groups.append((dim, names))

    def question_groups(self) -> list[tuple[scoring.Dimension, list[forms.BoundField]]]:
        return [(dim, [self[name] for name in names]) for dim, names in self.groups]

    def answers(self) -> dict[str, str]:
        return {
            i.code: self.cleaned_data[question_name(i.code)]
            for _d, i in self.definition.indicators()
        }


class EnrolForm(forms.Form):
    criteria = forms.CharField(
        label=_("Criteria met"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why this family is accompanied: the category, the situation seen."),
    )
    consent = forms.BooleanField(
        label=_("The family agrees to be accompanied"),
        help_text=_("Asked to the family, who may stop at any time."),
    )
    reassess_months = forms.IntegerField(
        label=_("Reassess every (months)"), min_value=1, max_value=MAX_REASSESS_MONTHS, initial=3
    )


class GoalForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"))
    text = forms.CharField(label=_("Goal chosen with the family"), max_length=300)

    def __init__(self, *args: Any, dimensions: list[scoring.Dimension], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "dimension").choices = [(d.code, d.name) for d in dimensions]


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class LinkForm(forms.Form):
    record = forms.ChoiceField(label=_("Referral, fund request or follow-up"))
    goal: forms.ModelChoiceField[Goal] = forms.ModelChoiceField(
        label=_("For the goal"), queryset=Goal.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], goals: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "record").choices = choices
        model_choice_field(self.fields, "goal").queryset = goals


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ExitReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DefinitionField(forms.CharField):
    """The instrument's definition as JSON, checked by the scoring rules' reader."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}))
        super().__init__(max_length=100_000, **kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        try:
            raw = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None
        try:
            scoring.parse(raw)
        except scoring.DefinitionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return raw


class InstrumentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = DefinitionField(
        label=_("Definition"),
        help_text=_(
            "Dimensions, indicators and answer options with their scores (0 to 100), weights, "
            "cut-offs and the scoring rule. Saving a change makes a new version."
        ),
    )


class NewInstrumentForm(InstrumentForm):
    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("code")
    )
    code = forms.SlugField(label=_("Code"), max_length=40)
    field_order = ["country", "code", "name", "definition"]


class ExportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why these assessments are needed"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Logged with the export, with your name."),
    )

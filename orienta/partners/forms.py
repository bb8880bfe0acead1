"""The forms of the partners pages. The assessment form has one block per statement of the tool:
the consensus score as four radio buttons (readable on a phone), the justification and the
evidence, and optionally the participants' own scores."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, Country
from orienta.lib.forms import model_choice_field
from orienta.lib.text import no_bidi_controls
from orienta.partners import oca
from orienta.partners.models import (
    ActionStatus,
    DocumentKind,
    LegalStatus,
    ReportKind,
    Stage,
    SupportType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORE_CHOICES = [(n, str(n)) for n in oca.SCORES]


def _text(label: Any, length: int = 200, required: bool = True, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=length, required=required, validators=[no_bidi_controls], **kw
    )


def _money(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=0, required=required
    )


def _area(label: Any) -> Any:
    return _text(label, 1000, False, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterForm(forms.Form):
    """A new CSO: of the coordinator's country, or (headquarters) of the country chosen."""

    country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all()
    )
    name = _text(_("Name of the organisation"))
    area: forms.ModelChoiceField[Area] = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False
    )

    def __init__(self, *args: Any, country: Country | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = Area.objects.select_related("parent")
        if country is not None:
            del self.fields["country"]
            areas = areas.filter(country=country)
        model_choice_field(self.fields, "area").queryset = areas

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area, country = data.get("area"), data.get("country")
        if area is not None and country is not None and area.country_id != country.pk:
            self.add_error("area", _("Choose an area of the organisation's country."))
        return data


class ProfileForm(forms.Form):
    name = _text(_("Name of the organisation"))
    legal_status = forms.ChoiceField(
        label=_("Legal status"), choices=[("", "—"), *LegalStatus.choices], required=False
    )
    registration_number = _text(_("Registration number"), 60, False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE, required=False)
    year_founded = forms.IntegerField(
        label=_("Year founded"), min_value=1900, max_value=2100, required=False
    )
    staff = forms.IntegerField(label=_("Paid staff"), min_value=0, max_value=100000, initial=0)
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0, max_value=100000, initial=0)
    annual_budget = _money(_("Annual budget"), False)
    budget_currency = _text(_("Currency"), 3, False)
    areas: forms.ModelMultipleChoiceField[Area] = forms.ModelMultipleChoiceField(
        label=_("Areas of work"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mission = _area(_("Mission and main activities"))
    address = _text(_("Address"), 300, False)
    phone = _text(_("Phone"), 20, False)
    email = forms.EmailField(label=_("Email"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, country: Country, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "areas").queryset = Area.objects.filter(country=country)


class ContactForm(forms.Form):
    name = _text(_("Name"), 120)
    position = _text(_("Position"), 120, False)
    phone = _text(_("Phone"), 20, False)
    email = forms.EmailField(label=_("Email"), required=False)


class DocumentForm(forms.Form):
    title = _text(_("Title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    dated_on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, photo (JPEG, PNG) or office document, up to 5 MB.")
    )


def statement_field(code: str) -> str:
    return f"s_{code}"


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date of the assessment"), widget=DATE)
    facilitator = _text(_("Facilitated by"), 120, False)
    participants = forms.IntegerField(
        label=_("Number of participants"), min_value=0, max_value=500, initial=0
    )
    notes = _area(_("Notes"))

    def __init__(self, *args: Any, definition: oca.Definition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.groups: list[tuple[oca.Area, list[tuple[oca.Statement, list[str]]]]] = []
        for area in definition.areas:
            statements = []
            for statement in area.statements:
                base = statement_field(statement.code)
                self.fields[base] = forms.TypedChoiceField(
                    label=statement.name,
                    choices=SCORE_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scores"}),
                )
                self.fields[f"{base}_j"] = _text(_("Justification"), oca.MAX_TEXT, False)
                self.fields[f"{base}_e"] = _text(_("Evidence"), oca.MAX_TEXT, False)
                self.fields[f"{base}_i"] = _text(
                    _("Participants' own scores"),
                    200,
                    False,
                    help_text=_("Optional, separated by spaces: 2 3 3 4"),
                )
                statements.append((statement, [base, f"{base}_j", f"{base}_e", f"{base}_i"]))
            self.groups.append((area, statements))

    def statement_groups(self) -> list[tuple[oca.Area, list[list[forms.BoundField]]]]:
        return [
            (area, [[self[name] for name in names] for _s, names in statements])
            for area, statements in self.groups
        ]

    def scores(self) -> dict[str, dict[str, Any]]:
        found = {}
        for _area, statement in self.definition.statements():
            base = statement_field(statement.code)
            found[statement.code] = {
                "score": self.cleaned_data[base],
                "justification": self.cleaned_data[f"{base}_j"],
                "evidence": self.cleaned_data[f"{base}_e"],
                "individual": self.cleaned_data[f"{base}_i"].replace(",", " ").split(),
            }
        return found


class ActionForm(forms.Form):
    area = forms.ChoiceField(label=_("Capacity area"))
    description = _text(_("Action"), 300)
    support = forms.ChoiceField(label=_("Type of support"), choices=SupportType.choices)
    responsible = _text(_("Responsible"), 120)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, areas: list[oca.Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.code, a.name) for a in areas]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class GrantForm(forms.Form):
    reference = _text(_("Reference"), 40)
    purpose = _text(_("Purpose"), 300)
    amount = _money(_("Amount"))
    currency = _text(_("Currency"), 3)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("To"), widget=DATE)


class TrancheForm(forms.Form):
    amount = _money(_("Amount"))
    planned_on = forms.DateField(label=_("Planned on"), widget=DATE)
    conditions = _area(_("Conditions"))


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class ApplicationForm(forms.Form):
    donor = _text(_("Donor"), 160)
    call = _text(_("Call for proposals"), 200, False)
    amount_requested = _money(_("Amount requested"))
    currency = _text(_("Currency"), 3)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DATE, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE, required=False)
    amount_obtained = _money(_("Amount obtained"), False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ToolForm(forms.Form):
    name = _text(_("Name"))
    definition = forms.CharField(
        label=_("Definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        max_length=100_000,
    )

    def clean_definition(self) -> Any:
        try:
            value = json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s"), params={"error": exc.msg}
            ) from None
        try:
            oca.parse(value)
        except oca.DefinitionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value

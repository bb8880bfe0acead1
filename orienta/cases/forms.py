"""Validation of what users type about cases, shared by the pages and the API."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.cases.models import (
    ActionStatus,
    Case,
    ClosureReason,
    ContactKind,
    Risk,
    action_date_problem,
)
from orienta.core.models import Theme, User
from orienta.lib.forms import choice_field, label_options, model_choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_DUE_YEARS = 3


def _note_field(label: StrOrPromise, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=settings.MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CaseForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs"),
        queryset=Theme.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one need.")},
    )
    assessment = _note_field(_("Assessment"))

    class Meta:
        model = Case
        fields = ["needs", "risk", "assessment", "sensitive"]
        widgets = {"risk": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields, "risk").choices = Risk.choices  # no blank radio
        if self.instance.pk and self.instance.sensitive:
            # Unmarking is a manager's act with a reason, on its own page.
            self.fields["sensitive"].disabled = True
            self.fields["sensitive"].help_text = _(
                "A site manager can make the case ordinary again, with a reason."
            )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    note = _note_field(_("Note"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == ClosureReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the case is closed."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "min_length": _("State the reason in a full sentence (10 characters at least)."),
        },
    )


class BreakGlassForm(ReasonForm):
    code = forms.CharField(label=_("Case code"), max_length=24)


class ReassignForm(forms.Form):
    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("New responsible agent"), queryset=None
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def __init__(self, *args: Any, agents: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "responsible").queryset = agents
        label_options(
            model_choice_field(self.fields, "responsible"),
            lambda u: u.get_full_name() or u.username,
        )


class OwnIds:
    """The case page shows several forms with fields of the same name (a date, a kind of
    contact, notes): each form's ids start with its own `id_prefix`, so no id is repeated."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _clean_due(value: date | None) -> date | None:
    today = timezone.localdate()
    if value and value > today.replace(year=today.year + MAX_DUE_YEARS):
        raise forms.ValidationError(_("This date is too far away."), code="too_far")
    return value


class ActionForm(OwnIds, forms.Form):
    """An action of the plan: planned for today or later, or recorded as already done (then on
    the day it was done, which may be past). `today` is the case site's date."""

    id_prefix = "action"

    what = forms.CharField(label=_("Action"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Who"), queryset=None, required=False
    )
    done = forms.BooleanField(
        label=_("Already done"),
        required=False,
        help_text=_("To record an action already done: the date is then the day it was done."),
    )

    def __init__(
        self,
        *args: Any,
        agents: QuerySet[User] | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        model_choice_field(self.fields, "assignee").queryset = agents
        label_options(
            model_choice_field(self.fields, "assignee"),
            lambda u: u.get_full_name() or u.username,
        )
        model_choice_field(self.fields, "assignee").empty_label = _("The responsible agent")

    def clean_due_on(self) -> date | None:
        return _clean_due(self.cleaned_data["due_on"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        problem = action_date_problem(
            data.get("due_on"), done=data.get("done", False), today=self.today
        )
        if problem:
            self.add_error("due_on", forms.ValidationError(problem, code="date"))
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ActionStatus.DONE, _("Done")), (ActionStatus.CANCELLED, _("Cancelled"))]
    )


class FollowUpForm(OwnIds, forms.Form):
    """A contact made (default) or, with `planned`, one planned for a date."""

    id_prefix = "contact"

    kind = forms.ChoiceField(
        label=_("Contact"), choices=ContactKind.choices, widget=forms.RadioSelect
    )
    notes = _note_field(_("Notes"))
    next_due_on = forms.DateField(
        label=_("Next contact on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if no other contact is planned."),
    )

    def clean_next_due_on(self) -> date | None:
        value = _clean_due(self.cleaned_data.get("next_due_on"))
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The next contact cannot be in the past."), code="past")
        return value


class PlanFollowUpForm(OwnIds, forms.Form):
    id_prefix = "plan"

    kind = forms.ChoiceField(
        label=_("Contact"), choices=ContactKind.choices, widget=forms.RadioSelect
    )
    due_on = forms.DateField(label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = _note_field(_("Notes"))

    def clean_due_on(self) -> date | None:
        return _clean_due(self.cleaned_data["due_on"])


class SiteSettingsForm(forms.Form):
    no_contact_days = forms.IntegerField(
        label=_("Days without contact before a case is flagged"), min_value=1, max_value=365
    )

"""Forms of the referral pages (the API validates its input with the same forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Theme
from orienta.directory.models import Service
from orienta.frontdesk.models import Visit
from orienta.lib.forms import choice_field, choices_of, label_options, model_choice_field
from orienta.referrals.models import SharedField, Status, Urgency

NOTE_MAX = 1000


class ReferralForm(forms.Form):
    """Where, how urgently, why, and what of the person goes to the provider."""

    service: forms.ModelChoiceField[Service] = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a service from the list.")},
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person needs from this service. The provider does not see it."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Data shared with the provider"),
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[SharedField.GIVEN_NAME],
        help_text=_(
            "Only what the provider needs: the slip and the provider's pages show exactly this."
        ),
    )
    consent_override_reason = forms.CharField(
        label=_("Reason for sending without consent"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Site managers only, when the person cannot consent and must be referred."),
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "service").queryset = services
        label_options(
            model_choice_field(self.fields, "service"),
            lambda s: f"{s.name} — {s.organisation.name}",
        )


class ServiceFilterForm(forms.Form):
    """The theme and words that narrow the services offered; from a visit, its themes."""

    VISIT_THEMES = "visit"

    theme = forms.ChoiceField(label=_("Theme"), required=False)
    q = forms.CharField(label=_("Name of the service"), required=False, max_length=100)

    def __init__(
        self, data: QueryDict | None = None, *, visit: Visit | None = None, **kwargs: Any
    ) -> None:
        self.visit_themes = list(visit.themes.all()) if visit else []
        if self.visit_themes and data is not None and "theme" not in data:
            data = data.copy()
            data["theme"] = self.VISIT_THEMES
        super().__init__(data, **kwargs)
        choices = [("", _("All themes"))] + [(t.code, t.name) for t in Theme.objects.active()]
        if self.visit_themes:
            names = ", ".join(str(t.name) for t in self.visit_themes)
            label = _("Themes of the visit: %(themes)s") % {"themes": names}
            choices.insert(0, (self.VISIT_THEMES, label))
        choice_field(self.fields, "theme").choices = choices

    def themes(self) -> list[str]:
        """The theme codes chosen (none: every theme)."""
        theme = self.cleaned_data.get("theme", "") if self.is_valid() else ""
        if theme == self.VISIT_THEMES:
            return [t.code for t in self.visit_themes]
        return [theme] if theme else []

    def words(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class AnswerForm(forms.Form):
    """A provider's or an agent's answer: the new status and a note (required to decline)."""

    status = forms.ChoiceField(
        label=_("Answer"),
        widget=forms.RadioSelect,
        choices=[
            (Status.ACCEPTED, _("Accepted: the person will be seen")),
            (Status.SERVED, _("Served")),
            (Status.NOT_SERVED, _("Not served, or did not come")),
            (Status.DECLINED, _("Declined")),
            (Status.CANCELLED, _("Cancelled")),
        ],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, allowed: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            field = choice_field(self.fields, "status")
            field.choices = [(v, label) for v, label in choices_of(field) if v in allowed]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == Status.DECLINED and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the referral is declined."))
        return data


class SlipForm(forms.Form):
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)

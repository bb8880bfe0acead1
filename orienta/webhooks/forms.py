"""Forms of the integrations' pages."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Country, Organisation
from orienta.lib.forms import label_options, model_choice_field
from orienta.lib.indicators import Period
from orienta.webhooks.models import Dhis2Auth, EventType


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("The partner's HTTPS address that receives the events."),
        widget=forms.URLInput(),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Country"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Only for the organisation"),
        required=False,
        empty_label=_("The whole country"),
        help_text=_(
            "Only the events that concern this organisation: the referrals to its services or "
            "from the sites it runs, the cases of the sites it runs. Empty: the whole country."
        ),
    )

    def __init__(
        self,
        *args: Any,
        countries: QuerySet[Country],
        organisations: QuerySet[Organisation],
        fixed_country: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "country").queryset = countries
        organisation = model_choice_field(self.fields, "organisation")
        organisation.queryset = organisations
        label_options(organisation, lambda o: f"{o.country.code} · {o.name}")
        if fixed_country:
            del self.fields["country"]
        elif countries.count() == 1:
            self.fields["country"].initial = countries.first()

    def clean_url(self) -> str:
        return str(self.cleaned_data["url"]).strip()


class ConnectionForm(forms.Form):
    url = forms.CharField(
        label=_("DHIS2 address"),
        max_length=300,
        widget=forms.URLInput(),
        help_text=_("The address of the DHIS2 server, e.g. https://dhis2.sante.gov.td"),
    )
    auth = forms.ChoiceField(label=_("Sign in with"), choices=Dhis2Auth.choices)
    username = forms.CharField(label=_("Username"), max_length=120, required=False)
    secret = forms.CharField(
        label=_("Password or personal access token"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored sealed, never shown again. Leave empty to keep the one stored."),
    )


class PushForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Country"))
    period = forms.CharField(
        label=_("Period"),
        max_length=12,
        help_text=_("A month (2026-11), a quarter (2026-Q4) or a year (2026)."),
    )

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "country").queryset = countries
        if countries.count() == 1:
            self.fields["country"].initial = countries.first()
        last_month = Period.month_of(timezone.localdate()).previous()
        self.fields["period"].initial = last_month.code

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

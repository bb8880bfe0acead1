"""Forms of the service directory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, Organisation, Site, Theme, User
from orienta.directory.models import (
    DAY_CODES,
    Contact,
    CostOption,
    Location,
    Permanence,
    Service,
    ServiceAtLocation,
    Weekday,
)
from orienta.directory.services import editable_countries
from orienta.lib.forms import label_options, model_choice_field
from orienta.lib.text import no_bidi_controls

DAY_CHOICES = list(zip(DAY_CODES, Weekday.labels, strict=True))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.active(), required=False
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    free = forms.BooleanField(label=_("Free only"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    stale = forms.BooleanField(label=_("To verify (over 6 months)"), required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "area").queryset = (
            areas if areas is not None else Area.objects.all()
        )


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "organisation",
            "name",
            "alternate_name",
            "description",
            "status",
            "themes",
            "service_areas",
            "application_process",
            "required_documents",
            "fees_description",
            "languages",
            "minimum_age",
            "maximum_age",
            "eligible_sex",
            "eligibility_description",
            "response_days",
            "url",
            "email",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
            "required_documents": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = editable_countries(user)
        model_choice_field(self.fields, "organisation").queryset = Organisation.objects.filter(
            country__in=countries, deleted_at__isnull=True
        ).order_by("name")
        model_choice_field(self.fields, "service_areas").queryset = Area.objects.filter(
            country__in=countries
        )
        model_choice_field(self.fields, "themes").queryset = Theme.objects.active()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age is below the minimum age."))
        areas = data.get("service_areas") or []
        org = data.get("organisation")
        if org and any(area.country_id != org.country_id for area in areas):
            self.add_error("service_areas", _("The areas must be in the organisation’s country."))
        return data


class OrganisationForm(forms.ModelForm):
    """A partner organisation (core.Organisation) with its directory profile fields."""

    alternate_name = forms.CharField(
        label=_("alternate name"), max_length=200, required=False, validators=[no_bidi_controls]
    )
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.URLField(label=_("website"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "area", "contact_name", "phone", "email", "address"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = editable_countries(user)
        model_choice_field(self.fields, "country").queryset = countries
        model_choice_field(self.fields, "area").queryset = Area.objects.filter(
            country__in=countries
        ).select_related("parent")
        profile = getattr(self.instance, "profile", None) if self.instance.pk else None
        if profile is not None:
            for name in ("alternate_name", "description", "website"):
                self.fields[name].initial = getattr(profile, name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        area, country = data.get("area"), data.get("country")
        if area and country and area.country_id != country.pk:
            self.add_error("area", _("The area must be in the organisation’s country."))
        return data


class CostOptionForm(forms.ModelForm):
    prefix = "cost"

    class Meta:
        model = CostOption
        fields = ["option", "amount", "currency", "amount_description"]

    def clean_amount(self) -> Decimal | None:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return amount

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()


def _check_hours(form: forms.BaseForm, data: dict[str, Any]) -> None:
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and opens >= closes:
        form.add_error("closes_at", _("The closing time must be after the opening time."))


class ScheduleForm(forms.Form):
    prefix = "hours"

    weekdays = forms.MultipleChoiceField(
        label=_("Days"), choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(
        label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place: forms.ModelChoiceField[ServiceAtLocation] = forms.ModelChoiceField(
        label=_("Place"),
        queryset=ServiceAtLocation.objects.none(),
        required=False,
        empty_label=_("Every place"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=300)

    def __init__(self, *args: Any, service: Service | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if service is not None:
            model_choice_field(self.fields, "place").queryset = service.service_at_locations.filter(
                location__site__isnull=True
            ).select_related("location")
        label_options(model_choice_field(self.fields, "place"), lambda link: link.location.name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_hours(self, data)
        return data


class ContactForm(forms.ModelForm):
    prefix = "contact"

    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email"]


class PlaceForm(forms.ModelForm):
    """A place where the service is delivered (not a BIOSP site: those come with permanences)."""

    prefix = "place"

    class Meta:
        model = Location
        fields = ["name", "address_1", "city", "area", "latitude", "longitude", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "area").queryset = Area.objects.filter(
            country_id=service.organisation.country_id
        ).select_related("parent")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("longitude", _("Give both coordinates, or neither."))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("latitude", _("A latitude is between -90 and 90."))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("longitude", _("A longitude is between -180 and 180."))
        return data


class PermanenceForm(forms.ModelForm):
    prefix = "perm"

    class Meta:
        model = Permanence
        fields = [
            "site",
            "weekday",
            "opens_at",
            "closes_at",
            "free",
            "amount",
            "valid_from",
            "valid_to",
            "notes",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "site").queryset = Site.objects.filter(
            country_id=service.organisation.country_id, deleted_at__isnull=True
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        _check_hours(self, data)
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and start > end:
            self.add_error("valid_to", _("The end date is before the start date."))
        amount = data.get("amount")
        if not data.get("free") and (amount is None or amount <= 0):
            self.add_error("amount", _("Give the fee, or tick “free at the permanence”."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_("A JSON export (.json) or a CSV data package (.zip)."),
    )

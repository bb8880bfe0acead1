"""Forms of the networks' pages; the choices are narrowed to the user's countries by the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, Country, Organisation
from orienta.lib.forms import model_choice_field
from orienta.networks.files import document_check
from orienta.networks.models import (
    ActionStatus,
    DocumentKind,
    Language,
    Member,
    ResourceTheme,
    Sector,
    Sex,
    SupportKind,
)

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class CountryForm(forms.Form):
    """A form whose record belongs to one of the countries the user manages."""

    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=_("Country"))

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "country").queryset = countries
        found = list(countries[:2])
        if len(found) == 1:
            self.fields["country"].initial = found[0]
            self.fields["country"].widget = forms.HiddenInput()


class DocumentForm(CountryForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=ResourceTheme.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or an image; at most 10 MB."),
    )

    def __init__(self, *args: Any, everywhere: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if everywhere:
            field = model_choice_field(self.fields, "country")
            field.required = False
            field.empty_label = str(_("Every country"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload = self.cleaned_data["file"]
        return document_check(upload)


class DocumentEditForm(forms.Form):
    """A document of the library changed: its description, and its file when a new one is
    given; its country stays."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=ResourceTheme.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)
    file = forms.FileField(
        label=_("New file"),
        required=False,
        help_text=_("Leave empty to keep the present file."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_file(self) -> UploadedFile[bytes] | None:
        upload = self.cleaned_data.get("file")
        return document_check(upload) if upload else None


class RemoveForm(forms.Form):
    """A removal, of the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SupportForm(CountryForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", "—"), *ResourceTheme.choices], required=False
    )
    on = forms.DateField(label=_("Date"), widget=DATE)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200, required=False)
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisations supported"),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), widget=TEXT, required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "organisations").queryset = organisations
        self.fields["on"].initial = timezone.localdate()


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    position = forms.CharField(label=_("Position"), max_length=120, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "organisation").queryset = organisations


class GroupForm(CountryForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label=_("Region"),
        required=False,
        help_text=_("Leave empty for a group of the whole country."),
    )
    mandate = forms.CharField(label=_("Mandate"), widget=TEXT, required=False)

    def __init__(self, *args: Any, countries: QuerySet[Country], **kwargs: Any) -> None:
        super().__init__(*args, countries=countries, **kwargs)
        model_choice_field(self.fields, "area").queryset = (
            Area.objects.filter(country__in=countries, level=1)
            .select_related("country")
            .order_by("country__code", "name")
        )


class GroupEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label=_("Region"),
        required=False,
        help_text=_("Leave empty for a group of the whole country."),
    )
    mandate = forms.CharField(label=_("Mandate"), widget=TEXT, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, country: Country, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "area").queryset = Area.objects.filter(
            country=country, level=1
        ).order_by("name")


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), required=False
    )
    name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "organisation").queryset = organisations


class MeetingForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    agenda = forms.CharField(label=_("Agenda"), widget=TEXT)


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Date held"), widget=DATE)
    attendees = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        label=_("Members present"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(label=_("Minutes"), widget=TEXT, required=False)
    decisions = forms.CharField(label=_("Decisions"), widget=TEXT, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "attendees").queryset = members


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    lead = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Lead organisation"), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    policy = forms.CharField(label=_("Policy or strategy served"), max_length=300, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "lead").queryset = organisations


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StudyForm(CountryForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Partner universities"),
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), label=_("Area studied"), required=False
    )
    starts_on = forms.DateField(label=_("Start of the period"), widget=DATE)
    ends_on = forms.DateField(label=_("End of the period"), widget=DATE)
    questionnaire = forms.CharField(
        label=_("Questionnaire"),
        widget=TEXT,
        required=False,
        help_text=_("What the questionnaire asks, and how it was collected."),
    )

    def __init__(
        self,
        *args: Any,
        countries: QuerySet[Country],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, countries=countries, **kwargs)
        model_choice_field(self.fields, "partners").queryset = organisations
        model_choice_field(self.fields, "area").queryset = (
            Area.objects.filter(country__in=countries)
            .select_related("parent")
            .order_by("country__code", "code")
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Collected data"),
        help_text=_(
            "CSV or XLSX, or the export of an XLSForm (Kobo, ODK): one line per respondent, "
            "with the columns area, sex, age and date."
        ),
    )


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    report = forms.FileField(label=_("Report (PDF)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_report(self) -> UploadedFile[bytes] | None:
        upload = self.cleaned_data.get("report")
        return document_check(upload, report=True) if upload else None

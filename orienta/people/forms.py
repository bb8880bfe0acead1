"""Validation of a person's data, shared by the pages and the API."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from babel import Locale
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Area, Country, Site, User
from orienta.core.scoping import writable_site_list, writable_sites
from orienta.lib.forms import model_choice_field
from orienta.lib.phones import InvalidPhone, to_e164
from orienta.lib.widgets import QuickSelect
from orienta.people.models import (
    CONSENT_FIELDS,
    CivilDocument,
    ConsentAnswer,
    ConsentPurpose,
    Person,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_AGE = 120
NAME_PATTERN = re.compile(r"^[^\d<>{}\[\]@#$%^*=+|\\/_~`]+$")


# Babel's "pt" is Brazilian Portuguese (Armênia, Quênia); the offices write European Portuguese.
BABEL_LOCALES = {"pt": "pt_PT"}


def nationality_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries, named in the user's language, in alphabetical order (Égypte and
    Áustria among the E and the A, not after Z)."""
    return list(_nationality_choices((get_language() or settings.LANGUAGE_CODE)[:2]))


@cache
def _nationality_choices(lang: str) -> tuple[tuple[str, str], ...]:
    """The list of one language, sorted once per process (Babel's names do not change)."""
    territories = Locale.parse(BABEL_LOCALES.get(lang, lang)).territories
    codes = [
        c
        for c in territories
        if isinstance(c, str) and len(c) == 2 and c.isalpha() and c not in {"ZZ", "EU", "UN"}
    ]
    countries = sorted(((c, territories[c]) for c in codes), key=lambda x: _sort_key(x[1]))
    return (("", "—"), *countries)


def _sort_key(name: str) -> str:
    """The name without its accents, for sorting."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_name(value: str, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise forms.ValidationError(_("This name cannot be empty."), code="required")
        return value
    if not NAME_PATTERN.match(value):
        raise forms.ValidationError(
            _("A name may contain letters, spaces, hyphens and apostrophes only."),
            code="invalid_name",
        )
    return value


class PersonForm(forms.ModelForm):
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        help_text=_("When the date of birth is not known."),
    )
    documents = forms.MultipleChoiceField(
        label=_("Civil documents held"),
        choices=CivilDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_date_estimated",
            "estimated_age",
            "phone",
            "phone_alt",
            "locality",
            "area",
            "nationality",
            "migration_status",
            "wg_seeing",
            "wg_hearing",
            "wg_walking",
            "wg_cognition",
            "wg_selfcare",
            "wg_communication",
            "documents",
            "education",
            "occupation",
            "consent_processing",
            "consent_sharing",
            "consent_sms",
            "language",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}), "area": QuickSelect}
        error_messages = {
            "given_name": {"required": _("This name cannot be empty.")},
            "family_name": {"required": _("This name cannot be empty.")},
            "sex": {"required": _("Choose the sex.")},
        }

    def __init__(self, *args: Any, country: Country | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["nationality"] = forms.ChoiceField(
            label=_("Nationality"),
            choices=nationality_choices(),
            required=False,
            widget=QuickSelect,
        )
        areas = Area.objects.select_related("parent")
        if country is not None:
            areas = areas.filter(country=country)
        model_choice_field(self.fields, "area").queryset = areas
        self.fields["phone"].help_text = _("Any usual format, e.g. %(example)s") % {
            "example": f"{country.phone_prefix} …" if country else "+235 …"
        }

    def clean_given_name(self) -> str:
        return clean_name(self.cleaned_data.get("given_name", ""))

    def clean_family_name(self) -> str:
        return clean_name(self.cleaned_data.get("family_name", ""))

    def clean_other_names(self) -> str:
        return clean_name(self.cleaned_data.get("other_names", ""), required=False)

    def _clean_phone(self, field: str) -> str:
        region = self.country.code if self.country else None
        try:
            return to_e164(self.cleaned_data.get(field, ""), region)
        except InvalidPhone:
            raise forms.ValidationError(
                _(
                    "Not a valid phone number for this country (%(country)s). For another "
                    "country, start with its code, e.g. +258."
                )
                % {"country": self.country or "—"},
                code="invalid_phone",
            ) from None

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_phone_alt(self) -> str:
        return self._clean_phone("phone_alt")

    def clean_birth_date(self) -> date | None:
        value = self.cleaned_data.get("birth_date")
        today = timezone.localdate()
        if value and value > today:
            raise forms.ValidationError(
                _("The date of birth cannot be in the future."), code="future"
            )
        if value and today.year - value.year > MAX_AGE:
            raise forms.ValidationError(
                _("The date of birth is more than %(max)s years ago.") % {"max": MAX_AGE},
                code="too_old",
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        age = data.get("estimated_age")
        if age is not None and data.get("birth_date"):
            self.add_error(
                "estimated_age", _("Give either a date of birth or an estimated age, not both.")
            )
        elif age is not None:
            data["birth_date"] = _years_before(timezone.localdate(), age)
            data["birth_date_estimated"] = True
        if data.get("consent_sharing") and not data.get("consent_processing"):
            self.add_error(
                "consent_sharing",
                _("Sharing with partners needs consent to the processing of the data first."),
            )
        return data


def _consent_field(
    label: StrOrPromise, help_text: StrOrPromise, required: bool = True
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=required,
        choices=ConsentAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the person was asked, and what they said.")},
    )


class RegistrationForm(PersonForm):
    """A new person: the person form, where consent is asked for each purpose — given, refused
    or not asked yet, nothing ticked beforehand. `consent` holds the answers once valid."""

    consent_processing = _consent_field(
        _("Processing of their data"),
        _("The office records and keeps their data to follow up their requests."),
    )
    consent_sharing = _consent_field(
        _("Sharing with referral partners"),
        _(
            "A referral sends the service chosen the data it needs. Needed only when the "
            "person gives consent to the processing."
        ),
        required=False,
    )
    consent_sms = _consent_field(
        _("SMS messages"),
        _(
            "Their referral codes and reminders of appointments, sent by SMS to their phone, "
            "in the language chosen below."
        ),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        answers = {
            purpose: self.cleaned_data.get(field) for purpose, field in CONSENT_FIELDS.items()
        }
        processing = answers[ConsentPurpose.PROCESSING]
        if processing and not answers[ConsentPurpose.SHARING]:
            if processing == ConsentAnswer.GIVEN and "consent_sharing" not in self.errors:
                self.add_error(
                    "consent_sharing", self.fields["consent_sharing"].error_messages["required"]
                )
            answers[ConsentPurpose.SHARING] = ConsentAnswer.NOT_ASKED
        self.consent = {p: a for p, a in answers.items() if a}
        for purpose, field in CONSENT_FIELDS.items():
            if field in self.cleaned_data:
                self.cleaned_data[field] = answers[purpose] == ConsentAnswer.GIVEN
        return super().clean()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, code or phone"), max_length=100, required=False)


class SiteChoiceForm(forms.Form):
    """The site a record is made at: a choice only for staff of several sites."""

    site: forms.ModelChoiceField[Site] = forms.ModelChoiceField(
        label=_("Site"), queryset=None, to_field_name="code"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields, "site").queryset = writable_sites(user)
        sites = writable_site_list(user)
        self.default = sites[0] if sites else None
        if self.default is not None and not self.is_bound:
            self.initial["site"] = self.default.code
        self.single = len(sites) <= 1
        if self.single:
            self.fields["site"].widget = forms.HiddenInput()

    def chosen_site(self) -> Site | None:
        """The chosen site when valid, else the user's first site."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["site"]
        return self.default


class MergeForm(forms.Form):
    code = forms.CharField(label=_("Code of the other record"), max_length=24)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

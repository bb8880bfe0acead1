"""The forms of the import pages: the upload, and the mapping of a form's columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from orienta.core.models import Site, User
from orienta.imports.access import kinds_for
from orienta.imports.queries import import_sites
from orienta.imports.readers import max_bytes
from orienta.imports.targets.base import Field
from orienta.lib.forms import model_choice_field


class UploadForm(forms.Form):
    site: forms.ModelChoiceField[Site] = forms.ModelChoiceField(
        label=_("Site"), queryset=None, to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("What the form's submissions create"))
    file = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "KoboToolbox: CSV or XLSX, with XML values and headers. ODK Central: the "
            "submissions CSV, or the zip with its repeat groups."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = import_sites(user)
        model_choice_field(self.fields, "site").queryset = sites
        first = sites.first()
        if first is not None:
            self.initial.setdefault("site", first.code)
        if sites.count() == 1:
            self.fields["site"].widget = forms.HiddenInput()
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = kinds_for(user)

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > max_bytes():
            raise forms.ValidationError(
                _("The file is larger than %(max)s: split the export into smaller ones.")
                % {"max": filesizeformat(max_bytes())},
                code="too_large",
            )
        return upload


class MappingForm(forms.Form):
    """One choice of column per Orienta field (the file's columns, or none)."""

    def __init__(
        self,
        *args: Any,
        fields: list[Field],
        columns: list[str],
        repeat_columns: list[str],
        instruments: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.targets = fields
        if instruments:
            self.fields["instrument"] = forms.ChoiceField(
                label=_("Assessment instrument"), choices=instruments
            )
        for target in fields:
            available = repeat_columns if target.repeat else columns
            self.fields[f"f:{target.name}"] = forms.ChoiceField(
                label=target.label,
                required=False,
                choices=[("", _("(not in the form)")), *((c, c) for c in available)],
                help_text=target.help,
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("f:"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("f:") and value
        }

    def main_fields(self) -> list[Any]:
        return [self[f"f:{t.name}"] for t in self.targets if not t.repeat]

    def repeat_fields(self) -> list[Any]:
        return [self[f"f:{t.name}"] for t in self.targets if t.repeat]

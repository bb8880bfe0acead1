"""Typed access to a form's fields.

A form's `fields` maps names to `Field`: setting a choice list or a queryset on one needs the
field's own class, which these helpers check and return.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.db.models import Model


def choice_field(fields: Mapping[str, forms.Field], name: str) -> forms.ChoiceField:
    """The choice field `name` of a form's (or a form class's base) fields."""
    field = fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a choice field")
    return field


def model_choice_field(fields: Mapping[str, forms.Field], name: str) -> forms.ModelChoiceField[Any]:
    """The model choice field `name` (single or multiple) of a form's fields."""
    field = fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a model choice field")
    return field


def choices_of(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """The field's choices as Django keeps them once set: a list of (value, label) pairs."""
    choices = field.choices
    if not isinstance(choices, list):
        raise TypeError(f"the choices are a {type(choices).__name__}, not a list")
    return choices


def label_options[M: Model](field: forms.ModelChoiceField[M], label: Callable[[M], str]) -> None:
    """Show `label(obj)` for each option of the field instead of `str(obj)`."""
    # Django calls the field's `label_from_instance` for every option, and setting it on the
    # instance is how a form labels one field; the stubs declare it as a method only.
    field.label_from_instance = label  # type: ignore[method-assign,assignment]

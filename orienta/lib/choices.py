"""`get_FOO_display()` that translates one label, not all of them.

Django's `Model._get_FIELD_display` builds a dictionary of the field's choices on every call,
hashing each label: a lazy label is translated to be hashed. A list of fifty visits that shows
each one's channel and outcome translated every channel and every outcome fifty times (a fifth
of the day page's CPU). `ChoiceLabels` keeps, for each field, its values → labels once (the
labels still lazy, so each call gives the active language's), and translates only the label
asked for. Choices given as a callable are read on each call, as Django does.
"""

from typing import Any

from django.db import models
from django.db.models import Field
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_LABELS: dict["Field[Any, Any]", dict[Any, Any]] = {}


def choice_labels(field: "Field[Any, Any]") -> dict[Any, Any]:
    """The field's choices as value → label (the label untranslated: lazy), kept once the
    choices are fixed."""
    found = _LABELS.get(field)
    if found is None:
        found = {make_hashable(value): label for value, label in field.flatchoices}
        if not isinstance(field.choices, CallableChoiceIterator):
            _LABELS[field] = found
    return found


class ChoiceLabels(models.Model):
    """A model whose `get_FOO_display()` translates only the label shown."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: "Field[Any, Any]") -> Any:
        value = getattr(self, field.attname)
        label = choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)

"""`get_FOO_display()` (orienta.lib.choices): the label of the active language, as Django
gives it, without translating the field's other labels."""

import pytest
from django.db import models
from django.db.models import Model
from django.utils import translation

from orienta.audit.models import AccessLogEntry
from orienta.core.models import Role, User
from orienta.frontdesk.models import Channel, Outcome, Visit
from orienta.lib.choices import choice_labels

LANGUAGES = ("fr", "pt", "en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        (Visit, "channel", Channel.values),
        (Visit, "outcome", Outcome.values),
        (User, "role", Role.values),
        (AccessLogEntry, "channel", ["web", "api"]),
    ],
)
def test_each_label_is_django_s_in_each_language(language, model, field, values):
    django_field = model._meta.get_field(field)
    with translation.override(language):
        for value in values:
            row = model(**{django_field.attname: value})
            ours = getattr(row, f"get_{field}_display")()
            assert ours == Model._get_FIELD_display(row, django_field)
            assert isinstance(ours, str)


def test_the_label_follows_the_active_language():
    visit = Visit(outcome=Outcome.ORIENTED)
    with translation.override("en"):
        english = visit.get_outcome_display()
    with translation.override("pt"):
        portuguese = visit.get_outcome_display()
    with translation.override("fr"):
        french = visit.get_outcome_display()
    assert english == "Oriented to a service"
    assert len({english, portuguese, french}) == 3


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Visit(outcome="unheard-of").get_outcome_display() == "unheard-of"
    assert Visit(outcome=None).get_outcome_display() is None


def test_choices_given_by_a_callable_are_read_on_each_call():
    offered = [("a", "First")]
    field = models.CharField(choices=lambda: offered)
    assert choice_labels(field) == {"a": "First"}
    offered.append(("b", "Second"))
    assert choice_labels(field) == {"a": "First", "b": "Second"}

"""QuickSelect writes the same select as Django's, faster."""

import pytest
from django import forms
from django.test.html import parse_html

from orienta.lib.widgets import QuickSelect
from orienta.people.forms import PersonForm

CHOICES = [
    ("", "—"),
    ("TD", "Tchad"),
    ("GW", "Guiné-Bissau"),
    ("XX", "<b>Fish & Chips</b>"),
    ("Africa", [("MZ", "Moçambique"), ("CM", 'Cameroun "Sud"')]),
]


@pytest.mark.parametrize("value", ["", "GW", "MZ", "XX", None, "unknown"])
def test_quick_select_renders_as_django_select(value):
    attrs = {"id": "id_nationality", "required": True, "data-x": "1"}
    slow = forms.Select(choices=CHOICES).render("nationality", value, attrs)
    quick = QuickSelect(choices=CHOICES).render("nationality", value, attrs)
    assert parse_html(quick) == parse_html(slow)


def test_labels_are_escaped():
    html = QuickSelect(choices=CHOICES).render("n", "XX")
    assert "&lt;b&gt;Fish &amp; Chips&lt;/b&gt;" in html and "<b>" not in html
    assert '<option value="XX" selected>' in html


def test_the_registration_form_uses_it_and_keeps_the_choice(persons):
    person = persons["person_td"]
    person.nationality = "TD"
    form = PersonForm(instance=person, country=person.site.country)
    html = str(form["nationality"])
    assert isinstance(form.fields["nationality"].widget, QuickSelect)
    assert isinstance(form.fields["area"].widget, QuickSelect)
    assert '<option value="TD" selected>' in html
    assert html.count("<option") > 200

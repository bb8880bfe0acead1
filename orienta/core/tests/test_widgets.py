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


# The form renderer (FORM_RENDERER): Django's Jinja2 widget templates, escaped as Django escapes
# =============================================================================================

HOSTILE = "\"><script>alert('x')</script>"


def _both(form: forms.BaseForm) -> tuple[str, str]:
    """The form drawn by the project's renderer, and by Django's template language."""
    from django.forms.renderers import DjangoTemplates

    from orienta.lib.widgets import FormRenderer

    form.renderer = FormRenderer()
    fast = str(form)
    form.renderer = DjangoTemplates()
    return fast, str(form)


@pytest.mark.parametrize("language", ["fr", "pt", "en"])
@pytest.mark.parametrize("bound", [False, True])
def test_the_registration_form_is_drawn_as_the_template_language_draws_it(persons, language, bound):
    from django.utils import translation

    from orienta.people.forms import RegistrationForm

    site = persons["person_td"].site
    data = {"given_name": HOSTILE, "family_name": "O'Brien", "phone": "not a phone"}
    with translation.override(language):
        form = RegistrationForm(data if bound else None, country=site.country)
        if bound:
            assert not form.is_valid()  # errors drawn too
        fast, slow = _both(form)
    assert parse_html(fast) == parse_html(slow)
    assert "<script>" not in fast
    if bound:
        # Escaped as the template language escapes, so pages read the same as before.
        assert "&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in fast
        assert 'value="O&#x27;Brien"' in fast


def test_the_admin_widgets_keep_the_template_language(login, users):
    """The admin's widgets have no Jinja2 copy: their templates are found all the same."""
    client = login(users["admin_user"])
    page = client.get("/admin/core/organisation/add/")
    assert page.status_code == 200
    assert "related-widget-wrapper" in page.content.decode()

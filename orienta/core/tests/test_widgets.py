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


def test_the_directory_search_and_the_action_form_draw_their_selects_as_the_templates(world, users):
    """The selects drawn on every search of the directory and every case page (an area list,
    the site's agents: options of ids) come out as Django's templates write them."""
    from django.forms.renderers import Jinja2

    from orienta.cases.forms import ActionForm
    from orienta.core.models import Area, User
    from orienta.directory.forms import SearchForm
    from orienta.lib.widgets import FormRenderer

    class Templates(FormRenderer):
        def render(self, template_name, context, request=None):
            return Jinja2.render(self, template_name, context, request)

    area = Area.objects.first()
    forms_and_fields = [
        (SearchForm(data={"area": str(area.pk)}, areas=Area.objects.all()), "area"),
        (SearchForm(data={}, areas=Area.objects.all()), "theme"),
        (ActionForm(agents=User.objects.filter(username__startswith="agent")), "assignee"),
    ]
    for form, name in forms_and_fields:
        form.renderer = FormRenderer()
        fast = str(form[name])
        form.renderer = Templates()
        assert fast == str(form[name])
        assert fast.count("<option") > 1


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.Select(choices=CHOICES), "XX"),
        (forms.Select(choices=CHOICES, attrs={"data-x": HOSTILE, "disabled": True}), "MZ"),
        (forms.Select(choices=CHOICES, attrs={"hidden": False}), None),
        (forms.SelectMultiple(choices=CHOICES), ["TD", "CM"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[(HOSTILE, HOSTILE), (1, 2)]), HOSTILE),
    ],
)
def test_a_select_is_written_as_the_templates_write_it(widget, value):
    """The form renderer writes a select in Python, the same characters as Django's select.html
    and select_option.html (drawn here by the renderer it extends)."""
    from django.forms.renderers import Jinja2

    from orienta.lib.widgets import FormRenderer

    fast = widget.render("field", value, {"id": "id_field"}, renderer=FormRenderer())
    templates = Jinja2.render(
        FormRenderer(), widget.template_name, widget.get_context("field", value, {"id": "id_field"})
    )
    assert fast == templates
    assert "<script>" not in fast


def test_an_option_with_a_template_of_its_own_is_drawn_by_it():
    from orienta.lib.widgets import FormRenderer

    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    html = Starred(choices=CHOICES).render("f", "TD", renderer=FormRenderer())
    assert "<label><input" in html  # radio_option.html's markup, not an <option>

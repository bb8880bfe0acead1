"""Form widgets, and how forms are drawn.

A form goes through a template per field, label, error list, attribute list and option: Django's
template language takes tens of milliseconds for a form of thirty fields or a select of forty
options. `FormRenderer` (the `FORM_RENDERER`) renders Django's own Jinja2 copies of those
templates (`django/forms/jinja2/`), the same markup several times faster, escaped as the template
language escapes (`&#x27;`, not Jinja2's `&#39;`). Widgets with no Jinja2 copy (the admin's)
keep their template-language templates.
"""

from pathlib import Path
from typing import Any

import django.forms
from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.forms.utils import flatatt
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString


def escaped(value: Any) -> Any:
    """Each `{{ value }}` escaped by Django: a safe string, which Jinja2 then leaves alone."""
    return conditional_escape(value)


class FormRenderer(Jinja2):
    """Django's Jinja2 form renderer, escaping as Django does; the template language's for the
    widgets that only have its templates."""

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.engine.get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    @cached_property
    def engine(self) -> Jinja2Backend:
        return Jinja2Backend(
            {
                "APP_DIRS": True,
                "DIRS": [Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "djangoforms",
                "OPTIONS": {"finalize": escaped},
            }
        )


class QuickSelect(forms.Select):
    """A single-choice select that writes its options in Python.

    Django renders each option through a template of its own: for the two hundred and fifty
    countries of a nationality list that is tens of milliseconds of every registration form.
    The markup is the same as `forms.Select`'s.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, group_choices, _index in widget["optgroups"]:
            options = "".join(_option(o) for o in group_choices)
            if group_name:
                options = f'<optgroup label="{conditional_escape(group_name)}">{options}</optgroup>'
            parts.append(options)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            SafeString("".join(parts)),
        )


def _option(option: dict[str, Any]) -> str:
    """One `<option>`, escaped as `format_html` would (a string literal per option is several
    times faster than `format_html`, and a nationality list has two hundred and fifty)."""
    attrs = flatatt(option["attrs"]) if option["attrs"] else ""
    value, label = conditional_escape(str(option["value"])), conditional_escape(option["label"])
    return f'<option value="{value}"{attrs}>{label}</option>'

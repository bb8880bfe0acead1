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
from django.template import TemplateDoesNotExist
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
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

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """A select is written in Python (`select_html`, the same characters as the
        templates); everything else through the templates."""
        if template_name == SELECT and (html := select_html(context["widget"])) is not None:
            return html
        return str(super().render(template_name, context, request))

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
    """A single-choice select that writes its options in Python, whatever the form's renderer
    (`select_html`). The markup is the same as `forms.Select`'s.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = select_html(widget)
        return (
            SafeString(html) if html is not None else super().render(name, value, attrs, renderer)
        )


SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """Attributes as django/forms/widgets/attrs.html writes them: ` name="value"` escaped, a
    bare ` name` for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> str | None:
    """A select as Django's select.html and select_option.html write it, character for
    character, in Python; None when an option has a template of its own.

    Django draws each option through a template of its own: for the two hundred and fifty
    countries of a nationality list, or an area list of a hundred, that is several milliseconds
    of a page.
    """
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            value, label = conditional_escape(option["value"]), conditional_escape(option["label"])
            parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)

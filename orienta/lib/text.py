"""Names and codes as typed by users: no invisible characters that change the direction of text.

The bidirectional controls of Unicode (embeddings, overrides and isolates U+202A–U+202E and
U+2066–U+2069, the marks U+200E, U+200F and the Arabic letter mark U+061C) are invisible; in a
name or a code they make what is shown differ from what is stored ("Trojan Source"): a name that
reads like another, a code or a file name whose end is shown first. Orienta's users write Latin
and Arabic scripts without them (the browser orders the letters itself), so every name and code
field refuses them:

- models: `validators=[no_bidi_controls]` on the field (the admin and ModelForms check it, and
  so does every service that calls `full_clean`);
- plain forms: the same validator on the form field;
- API schemas: the `NameText` type (a 422 with the translated message, error type
  `bidi_control`).
"""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

BIDI_CONTROLS = frozenset(
    "\u061c"  # arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates, pop
)
MESSAGE = _(
    "This text holds invisible characters that change the direction of writing; "
    "type it again without them."
)
CODE = "bidi_control"


def has_bidi_controls(text: object) -> bool:
    return isinstance(text, str) and not BIDI_CONTROLS.isdisjoint(text)


def no_bidi_controls(value: object) -> None:
    """Django validator: refuses a text holding a bidirectional control character."""
    if has_bidi_controls(value):
        raise ValidationError(MESSAGE, code=CODE)


def _checked(value: str) -> str:
    if has_bidi_controls(value):
        # The message is translated when the API writes the error (orienta.lib.api.errors).
        raise PydanticCustomError(CODE, str(MESSAGE))
    return value


# A name or code in an API schema.
NameText = Annotated[str, AfterValidator(_checked)]

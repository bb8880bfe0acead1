"""French formats: Django's, with ISO dates first among the input formats.

Date fields are `<input type="date">`, whose value must be an ISO date whatever the language;
Django writes a date into a field in the first input format, which for French is 25/10/2006:
the browser then showed an empty field, and saving the form lost the date.
"""

from django.conf.locale.fr.formats import *  # noqa: F403
from django.conf.locale.fr.formats import DATE_INPUT_FORMATS as _FRENCH_DATES

DATE_INPUT_FORMATS = ["%Y-%m-%d", *_FRENCH_DATES]

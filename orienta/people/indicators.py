"""The registry's part in the results: the person's dimensions (no indicator of its own)."""

from orienta.people.aggregates import register_dimensions

register_dimensions()

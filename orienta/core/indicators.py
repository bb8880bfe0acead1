"""Core's part in the results: the country, site and theme dimensions (no indicator)."""

from orienta.core.aggregates import register_dimensions

register_dimensions()

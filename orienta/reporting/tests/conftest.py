import pytest

from orienta.core.models import User


@pytest.fixture(autouse=True)
def _in_english(monkeypatch, settings):
    """These tests read messages in English (the catalogues are checked in core's tests)."""
    from django.utils import translation

    monkeypatch.setattr(User, "preferred_language", lambda self: "en")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

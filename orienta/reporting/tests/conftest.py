import pytest

from orienta.core.models import User
from orienta.reporting.tests.logframe_fixtures import make_logframe


@pytest.fixture(autouse=True)
def _in_english(monkeypatch, settings):
    """These tests read messages in English (the catalogues are checked in core's tests)."""
    from django.utils import translation

    monkeypatch.setattr(User, "preferred_language", lambda self: "en")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def logframe(db):
    """A small logframe: one result, a computed indicator and one entered by hand."""
    return make_logframe()

import pytest


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""

import pytest

from orienta.partners import services


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""


@pytest.fixture
def tool(db):
    return services.tool_seed()


@pytest.fixture
def cso_td(world):
    return world["org_td"]


@pytest.fixture
def cso_mz(world):
    return world["org_mz"]

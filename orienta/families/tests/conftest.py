import pytest

from orienta.families.tests.factories import make_household, make_instrument


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""


@pytest.fixture
def instrument_td(world, users):
    return make_instrument(world["td"], users["me_hq"])


@pytest.fixture
def instrument_mz(world, users):
    return make_instrument(world["mz"], users["me_hq"])


@pytest.fixture
def household_td(persons, users):
    return make_household(persons["person_td"], users["agent_td"])


@pytest.fixture
def household_mz(persons, users):
    return make_household(persons["person_mz"], users["agent_mz"])

import pytest

from orienta.cases.tests.factories import make_case
from orienta.conftest import _user
from orienta.core.models import Role


@pytest.fixture
def case_td(persons, users):
    """An ordinary case of TD-NDJ1, held by agent_td."""
    return make_case(persons["person_td"], users["agent_td"])


@pytest.fixture
def sensitive_td(persons, users):
    """A sensitive case of TD-NDJ1, held by agent_td."""
    return make_case(persons["person_td"], users["agent_td"], sensitive=True, risk="high")


@pytest.fixture
def agent_td_b(world):
    """A second agent of TD-NDJ1."""
    return _user("agent_td_b", Role.AGENT, sites=[world["sites"]["td"]])


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""

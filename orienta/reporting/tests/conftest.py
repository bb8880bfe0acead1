import pytest

from orienta.reporting.tests.logframe_fixtures import make_logframe


@pytest.fixture
def logframe(db):
    return make_logframe()

"""Fixtures of the project-level tests: the shared people and places (orienta/conftest.py only
applies under orienta/), and the objects of every page of the access matrix (tests/matrix.py)."""

import pytest

# The hooks that load and roll back the shared data sets, for the tests of this directory too.
from orienta.conftest import (  # noqa: F401
    _compiled_catalogues,
    _fast_password_hashing,
    _people_sets,
    compiled_catalogues,
    persons,
    pytest_runtest_setup,
    pytest_runtest_teardown,
    users,
    world,
)
from orienta.directory.tests.conftest import directory  # noqa: F401
from orienta.fund.tests.conftest import fund_mz, fund_td, media  # noqa: F401
from orienta.referrals.tests.conftest import svcs  # noqa: F401
from tests import matrix


@pytest.fixture
def matrix_scope(world, users, persons, directory, svcs, fund_td, fund_mz, media):  # noqa: F811
    return matrix.scope(world, users, persons, directory, svcs, fund_td, fund_mz)

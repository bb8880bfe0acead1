"""Fixtures of the project-level tests: the shared people and places (orienta/conftest.py only
applies under orienta/), and the objects of every page of the access matrix (tests/matrix.py)."""

import pytest

from orienta.conftest import (  # noqa: F401
    _fast_password_hashing,
    persons,
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

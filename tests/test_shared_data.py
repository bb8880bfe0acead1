"""A shared data set's foreign keys are checked once, when it is loaded
(orienta/testing/shared.py): a row that points nowhere fails the load, and nothing of the data
set is left. (On PostgreSQL the keys are checked at the commit, which a data set never reaches;
checked when loaded, they are not checked again at the end of every test that reads it.)"""

import uuid

import pytest
from django.db import IntegrityError

from orienta.core.models import Area
from orienta.testing import shared


def _area_of_no_country():
    return Area.objects.create(country_id=uuid.uuid4(), level=1, code="XX-1", name="Nowhere")


def test_a_data_set_whose_row_points_nowhere_fails_when_loaded(db, django_db_blocker):
    data = shared.SharedData("broken", _area_of_no_country)
    try:
        with pytest.raises(IntegrityError):
            data.open(django_db_blocker)
        assert not data.is_open
        assert not Area.objects.filter(code="XX-1").exists()
    finally:
        shared.ALL.remove(data)

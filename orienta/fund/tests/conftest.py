import pytest

from orienta.fund.tests.factories import make_fund


@pytest.fixture
def fund_td(world, users):
    """Chad's fund: a period covering today, 10 000 XAF allocated to TD-NDJ1, 5 000 to TD-MOU1."""
    fund, period = make_fund(
        world["td"],
        coordinator=users["coordinator_td"],
        allocations=[(world["sites"]["td"], 10000), (world["sites"]["td2"], 5000)],
    )
    return {"fund": fund, "period": period}


@pytest.fixture
def fund_mz(world, users):
    fund, period = make_fund(
        world["mz"],
        coordinator=users["coordinator_mz"],
        rate="70.50",
        allocations=[(world["sites"]["mz"], 3000)],
    )
    return {"fund": fund, "period": period}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _in_english(in_english):
    """These tests read messages in English (orienta/conftest.py, `in_english`)."""

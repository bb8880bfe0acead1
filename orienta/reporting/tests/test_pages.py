"""The results pages as each role uses them."""

import pytest

from orienta.audit.models import AccessLogEntry
from orienta.reporting.tests.fixtures import march


@pytest.fixture
def month(world, users, persons):
    return march(world, users, persons)


def test_coordinator_lands_on_the_dashboard_of_their_country(login, users, month):
    client = login(users["coordinator_td"])
    assert client.get("/")["Location"] == "/results/"
    page = client.get("/results/?period=2026-03")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "TD" in text
    # Persons welcomed: 6, counted without suppression for a coordinator.
    assert "<strong>6</strong>" in text and "<strong>12</strong>" in text


def test_me_sees_small_counts_hidden_and_no_records_link(login, users, month):
    client = login(users["me_hq"])
    page = client.get("/results/indicators/PERSONS_WELCOMED/?period=2026-03&country=TD&by1=sex")
    text = page.content.decode()
    assert page.status_code == 200
    # 4 women and 2 men: both hidden (1 to 4), the total of 6 shown.
    assert "<strong>6</strong>" in text and "<td>*</td>" in text
    assert "/records/" not in text
    assert "Achta" not in text and "TD-NDJ1-" not in text
    records = client.get("/results/indicators/PERSONS_WELCOMED/records/?period=2026-03")
    assert records.status_code == 403


def test_coordinator_opens_the_persons_behind_a_figure_and_it_is_logged(login, users, month):
    client = login(users["coordinator_td"])
    page = client.get("/results/indicators/PERSONS_WELCOMED/?period=2026-03&by1=sex")
    assert "/results/indicators/PERSONS_WELCOMED/records/?" in page.content.decode()
    before = AccessLogEntry.objects.count()
    url = "/results/indicators/PERSONS_WELCOMED/records/?period=2026-03&sex=male"
    text = client.get(url).content.decode()
    assert month["brahim"].code in text and month["achta"].code not in text
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert entry.object_type == "indicator_records" and entry.results == 1


def test_site_manager_sees_only_their_site(login, users, month, world):
    client = login(users["manager_td"])
    page = client.get("/results/?period=2026-03")
    assert page.status_code == 200 and "TD-NDJ1" in page.content.decode()
    assert client.get("/results/?period=2026-03&site=TD-MOU1").status_code == 404
    assert client.get("/results/?period=2026-03&country=MZ").status_code == 404


def test_bad_period_or_split_is_a_clear_error(login, users, month):
    client = login(users["coordinator_td"])
    page = client.get("/results/?period=2026-13")
    assert page.status_code == 400 and "is not a period" in page.content.decode()
    page = client.get("/results/indicators/VISITS/?period=2026-03&by1=colour")
    assert page.status_code == 400 and "cannot be split by" in page.content.decode()
    assert client.get("/results/indicators/NOPE/").status_code == 404


def test_two_way_table_and_age_bands_per_request(login, users, month):
    client = login(users["coordinator_td"])
    url = "/results/indicators/PERSONS_WELCOMED/?period=2026-03&by1=sex&by2=age_band"
    assert client.get(url + "&age_bands=0-17,18-59,60%2B").status_code == 200
    page = client.get(url + "&age_bands=0-17,20-59")
    assert page.status_code == 400


def test_the_error_is_in_the_user_s_language(login, users, month, monkeypatch):
    from orienta.core.models import User

    monkeypatch.setattr(User, "preferred_language", lambda self: "pt")
    page = login(users["coordinator_td"]).get("/results/?period=2026-13")
    assert page.status_code == 400 and "não é um período" in page.content.decode()


def test_the_split_may_be_given_as_by_like_the_api(login, users, month):
    client = login(users["coordinator_td"])
    url = "/results/indicators/VISITS/?period=2026-03&by=sex,channel"
    text = client.get(url).content.decode()
    assert "<th>Phone</th>" in text and "<th>Female</th>" in text

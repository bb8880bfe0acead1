"""The logframe's figures: targets with their history, values entered by hand and their
corrections, progress against target, and the pages that set them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orienta.conftest import force_login_verified
from orienta.core.models import Event
from orienta.core.services import StaleEdit
from orienta.lib.errors import AppendOnly
from orienta.reporting import logframe_queries as queries
from orienta.reporting.logframe_services import (
    FigureRefused,
    FigureScope,
    hand_value_correct,
    hand_value_record,
    target_set,
)
from orienta.reporting.models import HandValue, Target


@pytest.fixture
def td(world):
    return FigureScope(world["td"])


def _target(indicator, scope, by, target, **kwargs):
    return target_set(
        indicator=indicator, year=2026, scope=scope, baseline=None, target=target, by=by, **kwargs
    )


def test_a_coordinator_sets_a_target_and_its_change_keeps_the_values_before(logframe, users, td):
    coordinator = users["coordinator_td"]
    first = _target(logframe["hand"], td, coordinator, Decimal(40))
    again = _target(logframe["hand"], td, coordinator, Decimal(48), version=first.version)
    assert again.pk == first.pk and again.version == 2 and again.target == 48
    events = Event.objects.filter(verb="logframe_target_set", object_id=first.pk).order_by("at")
    assert [e.data["after"]["target"] for e in events] == ["40.00", "48.00"]
    assert events.last().data["before"]["target"] == "40.00"


def test_a_stale_target_edit_is_refused_and_changes_nothing(logframe, users, td):
    coordinator = users["coordinator_td"]
    first = _target(logframe["hand"], td, coordinator, Decimal(40))
    _target(logframe["hand"], td, users["me_hq"], Decimal(50), version=first.version)
    with pytest.raises(StaleEdit):
        _target(logframe["hand"], td, coordinator, Decimal(44), version=first.version)
    assert Target.objects.get(pk=first.pk).target == 50


def test_a_coordinator_sets_no_target_for_another_country_nor_for_the_programme(
    logframe, users, world
):
    coordinator = users["coordinator_td"]
    for scope in (FigureScope(world["mz"]), FigureScope()):
        with pytest.raises(PermissionDenied):
            _target(logframe["hand"], scope, coordinator, Decimal(1))
    for role in ("manager_td", "agent_td", "admin_user", "provider_user"):
        with pytest.raises(PermissionDenied):
            _target(logframe["hand"], FigureScope(world["td"]), users[role], Decimal(1))
    assert not Target.objects.exists()


def test_me_sets_the_programme_target(logframe, users):
    row = _target(logframe["computed"], FigureScope(), users["me_hq"], Decimal(1000))
    assert row.country is None and row.scope_key == ""


def test_bad_figures_are_refused_with_a_message(logframe, users, world, td):
    coordinator = users["coordinator_td"]
    with pytest.raises(ValidationError) as negative:
        _target(logframe["hand"], td, coordinator, Decimal(-1))
    assert "target" in negative.value.error_dict
    with pytest.raises(ValidationError) as elsewhere:
        _target(logframe["hand"], FigureScope(world["td"], world["sites"]["mz"]), users["me_hq"], 1)
    assert "site" in elsewhere.value.error_dict
    assert not Target.objects.exists()


def _record(indicator, scope, by, value, period="2026-Q1", source="Fiches de présence"):
    return hand_value_record(
        indicator=indicator, period=period, scope=scope, value=value, source=source, by=by
    )


def test_a_value_is_entered_once_per_period_and_scope_and_corrected_with_history(
    logframe, users, td
):
    coordinator = users["coordinator_td"]
    first = _record(logframe["hand"], td, coordinator, Decimal(7))
    with pytest.raises(FigureRefused):
        _record(logframe["hand"], td, coordinator, Decimal(9))
    fixed = hand_value_correct(
        original=first, value=Decimal(9), source="", reason="Two sessions missed", by=coordinator
    )
    assert fixed.corrects == first and fixed.source == "Fiches de présence"
    assert HandValue.objects.filter(indicator=logframe["hand"]).count() == 2
    with pytest.raises(StaleEdit):
        hand_value_correct(original=first, value=Decimal(8), source="", reason="x", by=coordinator)
    with pytest.raises(AppendOnly):
        fixed.save()


def test_a_value_is_not_entered_for_a_computed_indicator_nor_without_source_or_period(
    logframe, users, td
):
    coordinator = users["coordinator_td"]
    with pytest.raises(FigureRefused):
        _record(logframe["computed"], td, coordinator, Decimal(3))
    with pytest.raises(ValidationError) as no_source:
        _record(logframe["hand"], td, coordinator, Decimal(3), source="  ")
    assert "source" in no_source.value.error_dict
    with pytest.raises(ValidationError) as bad_period:
        _record(logframe["hand"], td, coordinator, Decimal(3), period="2026-Q7")
    assert "period" in bad_period.value.error_dict
    with pytest.raises(ValidationError):
        hand_value_correct(
            original=_record(logframe["hand"], td, coordinator, Decimal(3)),
            value=Decimal(4),
            source="",
            reason="",
            by=coordinator,
        )
    assert HandValue.objects.count() == 1


def test_progress_is_the_latest_value_entered_by_hand_over_the_target(logframe, users, td):
    coordinator = users["coordinator_td"]
    _target(logframe["hand"], td, coordinator, Decimal(40))
    _record(logframe["hand"], td, coordinator, Decimal(6), period="2026-01")
    q1 = _record(logframe["hand"], td, coordinator, Decimal(10), period="2026-Q1")
    hand_value_correct(original=q1, value=Decimal(12), source="", reason="Recount", by=coordinator)
    _record(logframe["hand"], td, coordinator, Decimal(99), period="2025")  # another year
    rows = queries.tree(coordinator, 2026, queries.ChosenScope(td.country))
    hand = next(i for i in rows[0].results[0].indicators if i.indicator == logframe["hand"])
    # Q1 ends after January: the latest period; its correction (12) replaces 10. 12/40 = 30 %.
    assert (hand.value, hand.percent, hand.bar) == (Decimal(12), 30, 30)
    assert hand.hand_value.reason == "Recount"


def test_the_scope_of_a_role_is_checked(logframe, users, world):
    from django.http import Http404

    assert queries.scope_for(users["manager_td"]).site == world["sites"]["td"]
    assert queries.scope_for(users["coordinator_td"]).country == world["td"]
    assert queries.scope_for(users["me_hq"]).country is None
    for user, country, site in (
        (users["coordinator_td"], "MZ", ""),
        (users["coordinator_td"], "", "MZ-MPM1"),
        (users["manager_td"], "", "TD-MOU1"),
        (users["me_hq"], "XX", ""),
    ):
        with pytest.raises(Http404):
            queries.scope_for(user, country, site)


# Pages
# =============================================================================================


def test_a_coordinator_sets_a_target_on_the_page(client, logframe, users):
    force_login_verified(client, users["coordinator_td"])
    url = f"/results/logframe/{logframe['hand'].code}/target/?year=2026&country=TD"
    assert client.get(url).status_code == 200
    response = client.post(url, {"target": "40", "baseline": "0", "source": "Plan 2026"})
    assert response.status_code == 302
    row = Target.objects.get()
    assert (row.target, row.country.code, row.site, row.year) == (40, "TD", None, 2026)
    bad = client.post(url, {"target": "-3", "version": row.version})
    assert bad.status_code == 422
    assert Target.objects.get().target == 40


def test_values_are_entered_and_corrected_on_the_pages(client, logframe, users):
    force_login_verified(client, users["coordinator_td"])
    url = f"/results/logframe/{logframe['hand'].code}/values/?year=2026&country=TD"
    data = {"period": "2026-02", "value": "5", "source": "Registre des sessions"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 422 and HandValue.objects.count() == 1
    first = HandValue.objects.get()
    page = client.get(url).content.decode()
    assert "Registre des sessions" in page and f"/results/logframe/values/{first.pk}/" in page
    fix = f"/results/logframe/values/{first.pk}/correct/"
    assert client.post(fix, {"value": "6", "reason": ""}).status_code == 422
    assert client.post(fix, {"value": "6", "reason": "Recount"}).status_code == 302
    assert HandValue.objects.filter(corrects=first, value=6).exists()


def test_a_site_manager_reads_the_values_of_their_site_but_enters_none(client, logframe, users):
    force_login_verified(client, users["manager_td"])
    url = f"/results/logframe/{logframe['hand'].code}/values/"
    page = client.get(url)
    assert page.status_code == 200 and b'<form method="post" class="stack"' not in page.content
    assert client.post(url, {"period": "2026-02", "value": "5", "source": "x"}).status_code == 403
    assert not HandValue.objects.exists()


def test_the_logframe_page_shows_progress_with_a_bar(client, logframe, users, td):
    coordinator = users["coordinator_td"]
    _target(logframe["hand"], td, coordinator, Decimal(40))
    _record(logframe["hand"], td, coordinator, Decimal(10))
    force_login_verified(client, coordinator)
    page = client.get("/results/logframe/?year=2026").content.decode()
    assert "IND-SESSIONS" in page and "25 %" in page and '<rect width="25"' in page
    assert client.get("/results/logframe/?year=abc").status_code == 400


def test_progress_runs_from_the_baseline_and_reads_the_same_both_ways(logframe, users, td):
    from orienta.reporting.logframe_queries import Progress
    from orienta.reporting.models import Target

    rising = logframe["hand"]
    # A baseline of 20, a target of 40: at 30, half the way; at 10, away from the target.
    half = Progress(rising, Target(baseline=Decimal(20), target=Decimal(40)), value=30)
    back = Progress(rising, Target(baseline=Decimal(20), target=Decimal(40)), value=10)
    assert (half.percent, back.percent, back.bar) == (50, -50, 0)
    # Meant to fall: days to service from 9 to 5; at 7, half the way; at 4, past the target.
    days = logframe["hand"].__class__(indicator_code="DAYS_TO_SERVICE")
    assert Progress(days, Target(baseline=Decimal(9), target=Decimal(5)), value=7).percent == 50
    assert Progress(days, Target(baseline=Decimal(9), target=Decimal(5)), value=4).percent == 125
    # Without a baseline: the target over the value for one meant to fall, else the reverse.
    assert Progress(days, Target(target=Decimal(5)), value=10).percent == 50
    assert Progress(rising, Target(target=Decimal(40)), value=10).percent == 25
    assert Progress(days, Target(target=Decimal(5)), value=0).percent is None

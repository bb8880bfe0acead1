"""The partners' indicators, counted by hand on two CSOs of Chad and one of Mozambique."""

from datetime import date
from decimal import Decimal

import pytest

from orienta.lib.indicators import Period, Scope
from orienta.partners import services
from orienta.partners.tests.factories import scores_of
from orienta.reporting.engine import values


def _figures(code, period, by=(), scope=None):
    table = values(code, Period.parse(period), scope or Scope(), by, suppress=False)
    return table.total, {tuple(c.key.values()): c.value for c in table.cells}


@pytest.fixture
def csos(world, users, tool, cso_td, cso_mz):
    """Chad's CSO assessed twice (the latest: every statement 3, finance 4 → finance mature,
    the rest expanding) and a second Chad CSO once (all 1: nascent); Mozambique's once (all 2:
    emerging). Stage ranks: nascent 1, emerging 2, expanding 3, mature 4."""
    td, mz = users["coordinator_td"], users["coordinator_mz"]
    other = services.cso_register(country=world["td"], name="Réseau des jeunes", by=td)
    finance = {s.code: 4 for s in tool.parsed().area("finance").statements}
    for org, scores, on, by in (
        (cso_td, scores_of(tool, 1), date(2026, 1, 5), td),
        (cso_td, scores_of(tool, 3, **finance), date(2026, 2, 5), td),
        (other, scores_of(tool, 1), date(2026, 2, 10), td),
        (cso_mz, scores_of(tool, 2), date(2026, 3, 2), mz),
    ):
        services.assessment_record(
            organisation=org, tool=tool, scores=scores, by=by, assessed_on=on
        )
    return {"td": cso_td, "other": other, "mz": cso_mz}


def test_csos_assessed_count_each_cso_once(csos):
    assert _figures("PARTNERS_CSOS_ASSESSED", "2026-Q1", ("country",)) == (
        3,
        {("MZ",): 1, ("TD",): 2},
    )
    assert _figures("PARTNERS_CSOS_ASSESSED", "2026-01")[0] == 1


def test_average_stage_overall_and_by_area(csos):
    # Overall stages: Chad's latest (3×8 + 4)/9 = 3.11 → expanding (3), the other nascent (1);
    # Mozambique's emerging (2). Chad: (3 + 1) / 2 = 2.00.
    total, cells = _figures("PARTNERS_AVERAGE_STAGE", "2026-Q1", ("country",))
    assert cells == {("TD",): Decimal("2.00"), ("MZ",): Decimal("2.00")}
    assert total == Decimal("2.00")  # (3 + 1 + 2) / 3
    _t, by_area = _figures("PARTNERS_AVERAGE_STAGE", "2026-Q1", ("country", "oca_area"))
    assert by_area[("TD", "finance")] == Decimal("2.50")  # mature 4 and nascent 1
    assert by_area[("TD", "governance")] == Decimal("2.00")  # expanding 3 and nascent 1
    assert by_area[("MZ", "finance")] == Decimal("2.00")


def test_actions_done_by_area(csos, users, cso_td):
    by = users["cso_td"]
    for area, done in (("finance", date(2026, 2, 1)), ("finance", None), ("hr", date(2026, 3, 1))):
        action = services.action_add(
            organisation=cso_td,
            area=area,
            description="Formation",
            support="training",
            responsible="Présidente",
            due_on=date(2026, 3, 31),
            by=by,
        )
        if done:
            services.action_set_status(action=action, status="done", by=by, done_on=done)
    assert _figures("PARTNERS_PLAN_ACTIONS_DONE", "2026-Q1", ("oca_area",)) == (
        2,
        {("finance",): 1, ("hr",): 1},
    )
    assert _figures("PARTNERS_PLAN_ACTIONS_DONE", "2026-02")[0] == 1


def test_funds_mobilised_per_year_in_their_currency(users, cso_td, cso_mz):
    def won(org, by, amount, currency, decided):
        services.application_create(
            organisation=org,
            data=services.ApplicationData(
                donor="UE",
                amount_requested=amount * 2,
                currency=currency,
                stage="won",
                submitted_on=date(2025, 6, 1),
                decided_on=decided,
                amount_obtained=amount,
            ),
            by=by,
        )

    won(cso_td, users["cso_td"], Decimal("1000000"), "XAF", date(2026, 2, 1))
    won(cso_td, users["cso_td"], Decimal("500000"), "XAF", date(2025, 12, 1))
    won(cso_mz, users["coordinator_mz"], Decimal("80000"), "MZN", date(2026, 1, 15))
    total, cells = _figures("PARTNERS_FUNDS_MOBILISED", "2026", ("country",))
    assert cells == {("TD",): Decimal("1000000"), ("MZ",): Decimal("80000")}
    assert total is None  # two currencies: no common figure
    chad = _figures("PARTNERS_FUNDS_MOBILISED", "2025", scope=Scope(country="TD"))
    assert chad[0] == Decimal("500000")
    site = _figures("PARTNERS_FUNDS_MOBILISED", "2026", scope=Scope(site="TD-NDJ1"))
    assert site[0] == Decimal("1000000")  # the CSO that runs the site
